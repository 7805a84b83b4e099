//! Lays out the `wharf` binary's code so that what an ordinary session runs sits
//! together at its front (the list is `build/code-order.txt`, written by
//! `scripts/code-order.sh`). The kernel maps code 64 KiB at a time around each page a
//! process touches; packed together, the code wharf runs is what stays resident, not
//! the whole binary (BENCHMARKS.md, issue 20). Behaviour is the same either way.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build/code-order.txt");
    println!("cargo:rerun-if-env-changed=WHARF_NO_CODE_ORDER");
    // Rust links this target with its own lld (the default since Rust 1.90), which
    // takes a list of symbols to place first. Other targets link with the system's
    // linker, which may not know the option; `WHARF_NO_CODE_ORDER=1` turns it off for
    // a build that picks another linker.
    let target = std::env::var("TARGET").unwrap_or_default();
    if target != "x86_64-unknown-linux-gnu" || std::env::var_os("WHARF_NO_CODE_ORDER").is_some() {
        return;
    }
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else { return };
    let order = PathBuf::from(dir).join("build/code-order.txt");
    let path = order.to_string_lossy();
    // `-Wl,` splits its argument at commas.
    if !order.is_file() || path.contains(',') {
        return;
    }
    println!("cargo:rustc-link-arg-bin=wharf=-Wl,--symbol-ordering-file={path}");
    // Names the code no longer has (the list is from an earlier build) are skipped.
    println!("cargo:rustc-link-arg-bin=wharf=-Wl,--no-warn-symbol-ordering");
}
