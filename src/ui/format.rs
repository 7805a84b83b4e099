//! Small text formats shared by the panes.

/// A compact age: `42s`, `5m`, `3h`, `2d`, `6w`, `2y`.
pub fn age(created: i64, now: i64) -> String {
    let secs = now.saturating_sub(created).max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s if s < 14 * 86_400 => format!("{}d", s / 86_400),
        s if s < 365 * 86_400 => format!("{}w", s / (7 * 86_400)),
        s => format!("{}y", s / (365 * 86_400)),
    }
}

/// Bytes in the units `docker images` uses (powers of 1000): `4.2MB`, `1.1GB`.
pub fn size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes}B") } else { format!("{value:.1}{}", UNITS[unit]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_sizes() {
        assert_eq!(age(100, 100), "0s");
        assert_eq!(age(0, 59), "59s");
        assert_eq!(age(0, 3599), "59m");
        assert_eq!(age(0, 7200), "2h");
        assert_eq!(age(0, 3 * 86_400), "3d");
        assert_eq!(age(0, 30 * 86_400), "4w");
        assert_eq!(age(0, 800 * 86_400), "2y");
        assert_eq!(age(200, 100), "0s");
        assert_eq!(size(999), "999B");
        assert_eq!(size(1_500_000), "1.5MB");
        assert_eq!(size(2_000_000_000), "2.0GB");
    }
}
