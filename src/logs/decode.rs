//! Turns the raw bytes of a log stream into lines.
//!
//! Whether the stream is multiplexed (8-byte frame headers: stream type, 3 zero bytes,
//! big-endian length) or raw (a TTY container) is decided by the caller from the
//! container's `Config.Tty`, never guessed from the bytes alone: a guess stalls on a TTY
//! line that starts with 0x00-0x02 (see HOSTILE.md). One safety net only: a stream read
//! as multiplexed whose first 8 bytes are no frame header is raw after all. A known
//! non-TTY stream always starts with a header, so this changes nothing for it; it lets
//! a caller that could not learn the setting (the container's inspect failed) read as
//! multiplexed and still show a TTY container's output. Lines are split on `\n`, `\r\n` and a lone
//! `\r`, joined across frames and chunks, decoded as UTF-8 only once complete (so a
//! character split across frames survives; invalid bytes become U+FFFD), and capped.

/// Which output a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKind {
    Stdout,
    Stderr,
}

/// One line of output, decoded but not yet sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine {
    pub stream: StreamKind,
    pub text: String,
    /// Bytes cut off the end because the line was longer than the cap.
    pub cut: usize,
}

/// Longest line kept (bytes); the rest is counted and dropped.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

#[derive(Debug)]
pub struct LogDecoder {
    tty: bool,
    /// Multiplexed streams: the header being read and how much payload is left.
    header: Vec<u8>,
    payload_left: usize,
    current_stream: StreamKind,
    /// Per stream: the bytes of the line not yet ended, and how many were cut.
    partial: [(Vec<u8>, usize); 2],
    /// The last byte ended a line with `\r`: a following `\n` belongs to it.
    after_cr: [bool; 2],
    max_line: usize,
    /// The first frame header was checked (see the module's note).
    first_header_checked: bool,
}

impl LogDecoder {
    pub fn new(tty: bool) -> Self {
        Self::with_max_line(tty, MAX_LINE_BYTES)
    }

    pub fn with_max_line(tty: bool, max_line: usize) -> Self {
        Self {
            tty,
            header: Vec::with_capacity(8),
            payload_left: 0,
            current_stream: StreamKind::Stdout,
            partial: [(Vec::new(), 0), (Vec::new(), 0)],
            after_cr: [false, false],
            max_line: max_line.max(1),
            first_header_checked: false,
        }
    }

    /// Feeds one chunk as it came off the socket; complete lines go to `out`.
    pub fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<RawLine>) {
        if self.tty {
            self.push_bytes(StreamKind::Stdout, chunk, out);
            return;
        }
        while !chunk.is_empty() {
            if self.payload_left == 0 {
                let need = 8 - self.header.len();
                let take = need.min(chunk.len());
                self.header.extend_from_slice(&chunk[..take]);
                chunk = &chunk[take..];
                if self.header.len() < 8 {
                    return;
                }
                if !self.first_header_checked {
                    self.first_header_checked = true;
                    if !is_frame_header(&self.header) {
                        // Raw output after all: these bytes are its first.
                        self.tty = true;
                        let head = std::mem::take(&mut self.header);
                        self.push_bytes(StreamKind::Stdout, &head, out);
                        self.push_bytes(StreamKind::Stdout, chunk, out);
                        return;
                    }
                }
                self.current_stream = if self.header[0] == 2 { StreamKind::Stderr } else { StreamKind::Stdout };
                let length = u32::from_be_bytes([self.header[4], self.header[5], self.header[6], self.header[7]]);
                self.payload_left = length as usize;
                self.header.clear();
                continue;
            }
            let take = self.payload_left.min(chunk.len());
            let stream = self.current_stream;
            self.push_bytes(stream, &chunk[..take], out);
            self.payload_left -= take;
            chunk = &chunk[take..];
        }
    }

    /// The stream ended: whatever is left unterminated becomes a last line.
    pub fn finish(&mut self, out: &mut Vec<RawLine>) {
        // A stream shorter than a frame header was raw output.
        if !self.first_header_checked && !self.header.is_empty() {
            self.first_header_checked = true;
            let head = std::mem::take(&mut self.header);
            if !is_frame_header(&head) {
                self.push_bytes(StreamKind::Stdout, &head, out);
            }
        }
        for stream in [StreamKind::Stdout, StreamKind::Stderr] {
            let (bytes, cut) = &self.partial[index(stream)];
            if !bytes.is_empty() || *cut > 0 {
                self.end_line(stream, out);
            }
        }
    }

    fn push_bytes(&mut self, stream: StreamKind, bytes: &[u8], out: &mut Vec<RawLine>) {
        let i = index(stream);
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.after_cr[i] {
                self.after_cr[i] = false;
                if rest[0] == b'\n' {
                    rest = &rest[1..];
                    continue;
                }
            }
            match rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
                Some(pos) => {
                    self.append(i, &rest[..pos]);
                    self.after_cr[i] = rest[pos] == b'\r';
                    self.end_line(stream, out);
                    rest = &rest[pos + 1..];
                }
                None => {
                    self.append(i, rest);
                    rest = &[];
                }
            }
        }
    }

    fn append(&mut self, i: usize, bytes: &[u8]) {
        let (line, cut) = &mut self.partial[i];
        let room = self.max_line.saturating_sub(line.len());
        let keep = room.min(bytes.len());
        line.extend_from_slice(&bytes[..keep]);
        *cut += bytes.len() - keep;
    }

    fn end_line(&mut self, stream: StreamKind, out: &mut Vec<RawLine>) {
        let (bytes, cut) = &mut self.partial[index(stream)];
        let mut text = String::from_utf8_lossy(bytes).into_owned();
        // A cap in the middle of a multi-byte character leaves one U+FFFD at the end;
        // that is honest about the cut and never panics.
        if text.capacity() > text.len() * 2 {
            text.shrink_to_fit();
        }
        out.push(RawLine { stream, text, cut: *cut });
        bytes.clear();
        *cut = 0;
    }
}

fn index(stream: StreamKind) -> usize {
    match stream {
        StreamKind::Stdout => 0,
        StreamKind::Stderr => 1,
    }
}

/// Stream type 0, 1 or 2, then three zero bytes.
fn is_frame_header(header: &[u8]) -> bool {
    header.len() >= 4 && header[0] <= 2 && header[1..4] == [0, 0, 0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![stream, 0, 0, 0];
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    fn decode(tty: bool, chunks: &[&[u8]]) -> Vec<(StreamKind, String, usize)> {
        let mut d = LogDecoder::with_max_line(tty, 16);
        let mut out = Vec::new();
        for c in chunks {
            d.feed(c, &mut out);
        }
        d.finish(&mut out);
        out.into_iter().map(|l| (l.stream, l.text, l.cut)).collect()
    }

    use StreamKind::*;

    #[test]
    fn multiplexed_frames_are_split_into_lines_per_stream() {
        let mut bytes = frame(1, b"out one\nout ");
        bytes.extend(frame(2, b"err one\n"));
        bytes.extend(frame(1, b"two\r\n"));
        let lines = decode(false, &[&bytes]);
        assert_eq!(
            lines,
            vec![(Stdout, "out one".into(), 0), (Stderr, "err one".into(), 0), (Stdout, "out two".into(), 0)]
        );
    }

    #[test]
    fn raw_output_read_as_multiplexed_is_read_raw_under_any_split() {
        // A TTY container's output, read by a caller that could not learn its setting.
        let bytes = b"hello world\nsecond line\nshort";
        let want =
            vec![(Stdout, "hello world".into(), 0), (Stdout, "second line".into(), 0), (Stdout, "short".into(), 0)];
        for split in 0..bytes.len() {
            let (a, b) = bytes.split_at(split);
            assert_eq!(decode(false, &[a, b]), want, "split at {split}");
        }
        assert_eq!(decode(false, &[b"hi\n"]), vec![(Stdout, "hi".into(), 0)], "shorter than a header");
    }

    #[test]
    fn decoding_is_the_same_under_any_split_of_the_input() {
        let mut bytes = frame(1, "héllo wörld\n日本\r\nlone\rcr\n".as_bytes());
        bytes.extend(frame(2, b"tail without newline"));
        let whole = decode(false, &[&bytes]);
        for split in 0..bytes.len() {
            let (a, b) = bytes.split_at(split);
            assert_eq!(decode(false, &[a, b]), whole, "split at {split}");
        }
        let one_by_one: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(decode(false, &one_by_one), whole);
    }

    #[test]
    fn tty_streams_are_raw_even_when_a_line_starts_like_a_header() {
        // 0x02 first: a guessing decoder takes this for a stderr frame header and stalls.
        let lines = decode(true, &[b"\x02\x00\x00\x00\x00\x00\x10\x00tty line\n", b"next\n"]);
        assert_eq!(lines[1], (Stdout, "next".into(), 0));
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let lines = decode(true, &[b"ok \xff\xfe end\n"]);
        assert_eq!(lines[0].1, "ok \u{fffd}\u{fffd} end");
    }

    #[test]
    fn a_multibyte_character_split_across_frames_survives() {
        let snowman = "☃".as_bytes();
        let mut bytes = frame(1, &snowman[..1]);
        bytes.extend(frame(1, &snowman[1..]));
        bytes.extend(frame(1, b"\n"));
        assert_eq!(decode(false, &[&bytes])[0].1, "☃");
    }

    #[test]
    fn long_lines_are_capped_with_the_count_of_what_was_cut() {
        let long = "x".repeat(40);
        let lines = decode(true, &[long.as_bytes(), b"\nshort\n"]);
        assert_eq!(lines[0], (Stdout, "x".repeat(16), 24));
        assert_eq!(lines[1], (Stdout, "short".into(), 0));
    }

    #[test]
    fn a_megabyte_line_in_64_frames_stays_bounded() {
        let mut d = LogDecoder::new(false);
        let mut out = Vec::new();
        for _ in 0..64 {
            d.feed(&frame(1, &vec![b'a'; 16 * 1024]), &mut out);
        }
        d.feed(&frame(1, b"\n"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text.len(), MAX_LINE_BYTES);
        assert_eq!(out[0].cut, 1024 * 1024 - MAX_LINE_BYTES);
    }

    #[test]
    fn crlf_split_across_chunks_is_one_line_break() {
        assert_eq!(decode(true, &[b"a\r", b"\nb\n"]), vec![(Stdout, "a".into(), 0), (Stdout, "b".into(), 0)]);
    }
}
