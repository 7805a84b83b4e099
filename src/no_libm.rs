//! The two functions of the C maths library that wharf's dependencies call, defined
//! in the binary itself so that it does not load `libm.so.6` at all: tokio's
//! scheduler calls `pow` (a moving average of task poll times) and ratatui-textarea
//! calls `log10` (the width of line numbers). Loading the library for them cost
//! ~0.5 MiB of resident memory (its code and symbol tables, touched by the loader at
//! start; BENCHMARKS.md, issue 20). The linker links a library only when something
//! still needs it (`--as-needed`): with these defined here, nothing does.
//!
//! The bodies are the `libm` crate's (Rust's port of musl's maths library, the same
//! code Rust uses where a platform has no libm), so results are as exact as glibc's.
//! `readelf -d target/release/wharf` shows no `libm.so.6` among what it needs; should
//! a later dependency call another maths function, the library simply comes back.

// Exporting a function under its C name is what Rust counts as unsafe code (two
// functions of the same name would clash at link time): these two are the only ones.
#![allow(unsafe_code)]

/// `pow(3)`: `x` to the power `y`.
#[unsafe(no_mangle)]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// `log10(3)`: the base-10 logarithm.
#[unsafe(no_mangle)]
pub extern "C" fn log10(x: f64) -> f64 {
    libm::log10(x)
}

#[cfg(test)]
mod tests {
    // std's `powf` and `log10` call these very functions in this binary.
    #[test]
    fn the_maths_is_the_maths() {
        assert_eq!(2f64.powf(10.0), 1024.0);
        assert_eq!(0.9f64.powf(0.0), 1.0);
        assert!((0.9f64.powf(3.0) - 0.729).abs() < 1e-15);
        assert_eq!(1000f64.log10(), 3.0);
        assert_eq!(12345f64.log10() as u8 + 1, 5);
        assert!(0f64.log10().is_infinite());
    }
}
