//! The daemon's timestamps (RFC 3339 text) as Unix seconds: read by the docker layer's
//! conversions and by the log view (where a resumed stream starts), so it lives here.

/// `2024-05-01T10:00:00Z` (or with an offset) -> Unix seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, rest) = text.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (d.next()??, d.next()??, d.next()??);
    // Out-of-range fields are no date (and would overflow the arithmetic below).
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let time: String = rest.chars().take(8).collect();
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (hour, minute, second) = (t.next()??, t.next()??, t.next()??);
    if !(0..24).contains(&hour) || !(0..60).contains(&minute) || !(0..=60).contains(&second) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let mut seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    // An offset after the seconds (and any fraction): `+02:00` is two hours ahead of UTC.
    let tail = rest.get(8..).unwrap_or_default();
    let tail = tail.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    if let Some(sign) = tail.chars().next().filter(|c| *c == '+' || *c == '-') {
        let mut o = tail[1..].split(':').map(|p| p.parse::<i64>().ok());
        let offset =
            o.next().flatten().unwrap_or(0).clamp(0, 24) * 3600 + o.next().flatten().unwrap_or(0).clamp(0, 59) * 60;
        seconds -= if sign == '+' { offset } else { -offset };
    }
    Some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_with_and_without_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2024-05-01T10:00:00Z"), Some(1_714_557_600));
        assert_eq!(parse_rfc3339("2024-05-01T12:00:00.123+02:00"), Some(1_714_557_600));
        assert_eq!(parse_rfc3339("nonsense"), None);
        assert_eq!(parse_rfc3339("9223372036854775807-01-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2024-13-01T00:00:00Z"), None);
    }
}
