//! The daemon's JSON progress messages (`/build`, `/images/{name}/push`), read
//! leniently: one object a line, every field optional. bollard's push model has no
//! layer `id`, which per-layer progress needs, so wharf reads these itself.

use serde::Deserialize;

use crate::model::{BuildEvent, PullProgress};
use crate::text::sanitize;

/// The longest line kept waiting for its end; a daemon that sends more without a
/// newline is cut there (its text is still shown).
pub const MAX_LINE: usize = 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Message {
    id: String,
    status: String,
    stream: String,
    #[serde(rename = "progressDetail")]
    progress_detail: Detail,
    error: String,
    #[serde(rename = "errorDetail")]
    error_detail: ErrorDetail,
    aux: Aux,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Detail {
    current: Option<i64>,
    total: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorDetail {
    message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Aux {
    #[serde(rename = "ID")]
    id: String,
}

/// Splits a byte stream into lines across chunk boundaries.
#[derive(Debug, Default)]
pub struct Lines {
    pending: Vec<u8>,
}

impl Lines {
    /// The complete lines in `chunk` (with what came before), without their ends.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Vec<u8>> {
        self.pending.extend_from_slice(chunk);
        let mut lines = Vec::new();
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.pending.drain(..=end).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            lines.push(line);
        }
        if self.pending.len() > MAX_LINE {
            lines.push(std::mem::take(&mut self.pending));
        }
        lines
    }

    /// What is left once the stream ended.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        (!self.pending.is_empty()).then(|| std::mem::take(&mut self.pending))
    }
}

fn parse(line: &[u8]) -> Option<Message> {
    let text = std::str::from_utf8(line).ok()?.trim();
    if text.is_empty() {
        return None;
    }
    serde_json::from_str(text).ok()
}

fn error_of(m: &Message) -> Option<String> {
    let text = if m.error_detail.message.is_empty() { &m.error } else { &m.error_detail.message };
    (!text.is_empty()).then(|| sanitize(text.trim()))
}

fn progress_of(m: &Message) -> PullProgress {
    PullProgress {
        layer: sanitize(&m.id),
        status: sanitize(&m.status),
        current: m.progress_detail.current.and_then(|c| u64::try_from(c).ok()).unwrap_or(0),
        total: m.progress_detail.total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0),
    }
}

/// One line of a push's answer: progress, nothing (an aux line), or the registry's
/// refusal in its own words.
pub fn push_line(line: &[u8]) -> Result<Option<PullProgress>, String> {
    let Some(m) = parse(line) else { return Ok(None) };
    if let Some(error) = error_of(&m) {
        return Err(error);
    }
    Ok((!m.status.is_empty()).then(|| progress_of(&m)))
}

/// Turns a build's answer into events. The classic builder sends its output in
/// pieces (`Step 1/3 : FROM x`, then `\n` alone), so text is joined into lines here.
#[derive(Debug, Default)]
pub struct BuildOutput {
    text: String,
}

impl BuildOutput {
    /// The events one line of the answer gives; the build's error comes last, after
    /// the output before it (the user's best clue).
    pub fn line(&mut self, line: &[u8]) -> Vec<Result<BuildEvent, String>> {
        let Some(m) = parse(line) else { return Vec::new() };
        let mut events = Vec::new();
        if !m.stream.is_empty() {
            self.text.push_str(&m.stream);
            while let Some(end) = self.text.find('\n') {
                let rest = self.text.split_off(end + 1);
                let done = std::mem::replace(&mut self.text, rest);
                events.push(Ok(BuildEvent::Output(sanitize(done.trim_end_matches(['\n', '\r'])))));
            }
            if self.text.len() > MAX_LINE {
                events.push(Ok(BuildEvent::Output(sanitize(&std::mem::take(&mut self.text)))));
            }
        }
        if !m.status.is_empty() {
            events.push(Ok(BuildEvent::Pull(progress_of(&m))));
        }
        if !m.aux.id.is_empty() {
            events.push(Ok(BuildEvent::Built(sanitize(&m.aux.id))));
        }
        if let Some(error) = error_of(&m) {
            events.extend(self.finish().map(Ok));
            events.push(Err(error));
        }
        events
    }

    /// Text still waiting for its newline when the answer ended.
    pub fn finish(&mut self) -> Option<BuildEvent> {
        (!self.text.is_empty()).then(|| BuildEvent::Output(sanitize(&std::mem::take(&mut self.text))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_joined_across_chunks() {
        let mut lines = Lines::default();
        assert!(lines.push(b"{\"a\":").is_empty());
        assert_eq!(lines.push(b"1}\r\n{\"b\":2}\n{"), vec![b"{\"a\":1}".to_vec(), b"{\"b\":2}".to_vec()]);
        assert_eq!(lines.finish(), Some(b"{".to_vec()));
    }

    #[test]
    fn a_classic_build_gives_steps_output_and_the_image() {
        let mut out = BuildOutput::default();
        let mut events = Vec::new();
        for line in [
            r#"{"stream":"Step 1/2 : FROM wharf-test/busybox"}"#,
            r#"{"stream":"\n"}"#,
            r#"{"stream":" ---\u003e 0123\n"}"#,
            r#"{"stream":"Step 2/2 : RUN echo \u001b]52;c;eA==\u0007hi\n"}"#,
            r#"{"aux":{"ID":"sha256:abc"}}"#,
            r#"{"stream":"Successfully built abc\n"}"#,
        ] {
            events.extend(out.line(line.as_bytes()).into_iter().map(Result::unwrap));
        }
        assert_eq!(
            events,
            [
                BuildEvent::Output("Step 1/2 : FROM wharf-test/busybox".into()),
                BuildEvent::Output(" ---> 0123".into()),
                BuildEvent::Output("Step 2/2 : RUN echo hi".into()),
                BuildEvent::Built("sha256:abc".into()),
                BuildEvent::Output("Successfully built abc".into()),
            ],
            "lines are joined and sanitised"
        );
    }

    #[test]
    fn a_failed_step_is_an_error_in_the_daemons_words() {
        let mut out = BuildOutput::default();
        assert!(out.line(br#"{"stream":"partial"}"#).is_empty());
        let events = out.line(
            br#"{"errorDetail":{"code":1,"message":"The command '/bin/sh -c false' returned a non-zero code: 1"},"error":"x"}"#,
        );
        assert_eq!(
            events,
            [
                Ok(BuildEvent::Output("partial".into())),
                Err("The command '/bin/sh -c false' returned a non-zero code: 1".into())
            ],
            "the output before the error comes first"
        );
    }

    #[test]
    fn push_lines_carry_layers_and_refusals() {
        let p = push_line(br#"{"status":"Pushing","progressDetail":{"current":10,"total":20},"id":"0a1b"}"#)
            .unwrap()
            .unwrap();
        assert_eq!((p.layer.as_str(), p.status.as_str(), p.current, p.total), ("0a1b", "Pushing", 10, 20));
        assert_eq!(push_line(br#"{"progressDetail":{},"aux":{"Tag":"1","Digest":"d","Size":1}}"#), Ok(None));
        assert_eq!(
            push_line(br#"{"errorDetail":{"message":"unauthorized: authentication required"},"error":"x"}"#),
            Err("unauthorized: authentication required".into())
        );
    }
}
