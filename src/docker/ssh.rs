//! `ssh://` daemons: the system's `ssh` runs `docker system dial-stdio` on the far
//! side, as the docker CLI does, and its stdin/stdout are the connection.
//!
//! The user's ssh config, agent and host-key policy apply untouched: wharf adds only
//! `BatchMode=yes` (nobody can answer a prompt inside the TUI), never an option that
//! accepts an unknown host key. When ssh gives up before the daemon said anything,
//! its stderr (read on the side, bounded, sanitised) says why, and the connection
//! fails with that reason in words instead of an "unexpected end of file".

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, Join, ReadBuf};
use tokio::process::{ChildStdin, ChildStdout};
use tokio::sync::oneshot;

use crate::model::{DaemonError, DaemonErrorKind};
use crate::text::sanitize;

/// How much of ssh's stderr is kept (the rest is read and dropped, so ssh never
/// blocks on a full pipe).
const STDERR_LIMIT: usize = 8 * 1024;

/// How long, after ssh exited, its stderr may take to be read to the end (a
/// ControlMaster it forked may hold the pipe open).
const STDERR_GRACE: Duration = Duration::from_millis(500);

/// The ssh arguments for `ssh://[user@]host[:port]`.
pub fn ssh_args(target: &str) -> Vec<String> {
    let (user_host, port) = split_target(target);
    let mut args = vec!["-o".to_string(), "BatchMode=yes".to_string()];
    if let Some(port) = port {
        args.extend(["-p".to_string(), port.to_string()]);
    }
    // "--" so a host that starts with "-" cannot be taken for an option.
    args.extend(["--".to_string(), user_host.to_string()]);
    args.extend(["docker", "system", "dial-stdio"].map(String::from));
    args
}

/// `me@box:2222` -> (`me@box`, Some(`2222`)).
fn split_target(target: &str) -> (&str, Option<&str>) {
    let target = target.trim_end_matches('/');
    match target.rsplit_once(':') {
        Some((head, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => (head, Some(port)),
        _ => (target, None),
    }
}

/// Starts `ssh ... docker system dial-stdio` for `target` (`[user@]host[:port]`).
pub fn dial_stdio(target: &str) -> io::Result<SshStream> {
    let mut child = tokio::process::Command::new("ssh")
        .args(ssh_args(target))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let (Some(stdout), Some(stdin), Some(stderr)) = (child.stdout.take(), child.stdin.take(), child.stderr.take())
    else {
        return Err(io::Error::other("ssh gave no pipes"));
    };
    let (hang_up, hung_up) = oneshot::channel::<()>();
    let (report, outcome) = oneshot::channel::<String>();
    tokio::spawn(async move {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let reader = tokio::spawn(read_bounded(stderr, Arc::clone(&kept)));
        tokio::select! {
            _ = child.wait() => {
                let _ = tokio::time::timeout(STDERR_GRACE, reader).await;
                let text = kept.lock().map(|k| String::from_utf8_lossy(&k).into_owned()).unwrap_or_default();
                let _ = report.send(text);
            }
            // The stream was dropped: `child` goes with this task (kill_on_drop).
            _ = hung_up => {}
        }
    });
    Ok(SshStream {
        io: tokio::io::join(stdout, stdin),
        target: target.to_string(),
        received: false,
        outcome,
        stderr: None,
        _hang_up: hang_up,
    })
}

/// Reads ssh's stderr to its end, keeping the first `STDERR_LIMIT` bytes in `kept`.
async fn read_bounded(mut stderr: tokio::process::ChildStderr, kept: Arc<Mutex<Vec<u8>>>) {
    let mut buf = [0u8; 1024];
    while let Ok(n) = stderr.read(&mut buf).await {
        if n == 0 {
            break;
        }
        if let Ok(mut kept) = kept.lock() {
            let room = STDERR_LIMIT.saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
        }
    }
}

/// ssh's stdout and stdin as one stream; ssh lives as long as it does.
pub struct SshStream {
    io: Join<ChildStdout, ChildStdin>,
    target: String,
    /// Whether the daemon has sent anything: an end before that is ssh failing.
    received: bool,
    /// ssh's stderr, once it has exited.
    outcome: oneshot::Receiver<String>,
    /// That stderr once received: a receiver must not be polled again after it
    /// answered, and both halves of a split stream may fail.
    stderr: Option<String>,
    /// Dropped with the stream, which ends the watcher and so kills ssh.
    _hang_up: oneshot::Sender<()>,
}

impl SshStream {
    /// ssh ended before the daemon answered: wait for its stderr, then fail with the
    /// reason in words.
    fn failed(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        if self.stderr.is_none() {
            let stderr = ready!(Pin::new(&mut self.outcome).poll(cx)).unwrap_or_default();
            self.stderr = Some(stderr);
        }
        let stderr = self.stderr.as_deref().unwrap_or_default();
        Poll::Ready(super::transport::wharf_error(ssh_failure(&self.target, stderr)))
    }
}

impl AsyncRead for SshStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = ready!(Pin::new(&mut self.io).poll_read(cx, buf));
        let got = buf.filled().len() > before;
        match result {
            Ok(()) if got => {
                self.received = true;
                Poll::Ready(Ok(()))
            }
            // End of stream (or a broken pipe) before any answer: ssh gave up.
            _ if !self.received => self.failed(cx).map(Err),
            other => Poll::Ready(other),
        }
    }
}

impl AsyncWrite for SshStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match ready!(Pin::new(&mut self.io).poll_write(cx, buf)) {
            Err(_) if !self.received => self.failed(cx).map(Err),
            other => Poll::Ready(other),
        }
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match ready!(Pin::new(&mut self.io).poll_flush(cx)) {
            Err(_) if !self.received => self.failed(cx).map(Err),
            other => Poll::Ready(other),
        }
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// Why ssh to `target` ended before the daemon answered, from its stderr.
pub fn ssh_failure(target: &str, stderr: &str) -> DaemonError {
    let (user_host, port) = split_target(target);
    let shown = sanitize(target.trim_end_matches('/'));
    let login = match port {
        Some(port) => format!("ssh -p {} {}", sanitize(port), sanitize(user_host)),
        None => format!("ssh {}", sanitize(user_host)),
    };
    let text = sanitize(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("@@@") && !l.starts_with("Warning: Permanently added"))
        .collect();
    let has = |needle: &str| text.to_ascii_lowercase().contains(needle);
    let unreachable = |message: String| DaemonError::new(DaemonErrorKind::Unreachable, message);
    if has("host key verification failed")
        || has("remote host identification has changed")
        || has("host key is known for")
        || (has("host key for") && has("has changed"))
    {
        return unreachable(format!("ssh refused the host key of {shown}: it is unknown or changed")).with_hint(
            format!(
                "check the key, then add it with `{login}` once, or fix ~/.ssh/known_hosts \
                 (wharf never accepts a host key on its own)"
            ),
        );
    }
    if has("permission denied") {
        return unreachable(format!(
            "ssh could not log in to {shown}: {}",
            lines.last().unwrap_or(&"permission denied")
        ))
        .with_hint(format!(
            "wharf runs ssh without prompts: load the key into ssh-agent or name it in ~/.ssh/config; \
                 `{login}` must work without a password"
        ));
    }
    match lines.last() {
        Some(last) => unreachable(format!("ssh to {shown} failed: {last}"))
            .with_hint(format!("does `{login} docker system dial-stdio` work from this shell?")),
        None => unreachable(format!("ssh to {shown} ended before the daemon answered"))
            .with_hint(format!("does `{login} docker system dial-stdio` work from this shell?")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_targets_become_ssh_arguments() {
        assert_eq!(
            ssh_args("me@box:2222"),
            ["-o", "BatchMode=yes", "-p", "2222", "--", "me@box", "docker", "system", "dial-stdio"]
        );
        assert_eq!(ssh_args("alias"), ["-o", "BatchMode=yes", "--", "alias", "docker", "system", "dial-stdio"]);
        assert_eq!(ssh_args("-oProxyCommand=x")[2..4], ["--", "-oProxyCommand=x"]);
    }

    #[tokio::test]
    async fn an_ssh_that_fails_fails_every_read_and_write_in_words() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        // Nothing listens on port 1: ssh gives up before the daemon says anything.
        let mut stream = dial_stdio("127.0.0.1:1").unwrap();
        let mut buf = [0u8; 16];
        let first = stream.read(&mut buf).await.unwrap_err();
        // Again, and a write: the reason is kept, not asked of ssh a second time
        // (asking again panicked).
        let second = stream.read(&mut buf).await.unwrap_err();
        let write = stream.write_all(b"GET / HTTP/1.1\r\n\r\n").await;
        assert_eq!(first.to_string(), second.to_string());
        assert!(first.to_string().contains("127.0.0.1"), "{first}");
        if let Err(e) = write {
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn the_users_host_key_policy_is_never_overridden() {
        let args = ssh_args("me@box:2222").join(" ").to_ascii_lowercase();
        assert!(!args.contains("stricthostkeychecking"), "{args}");
        assert!(!args.contains("userknownhostsfile"), "{args}");
    }

    #[test]
    fn an_unknown_or_changed_host_key_is_named_with_what_to_do() {
        let unknown = "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\n\
                       Host key verification failed.\r\n";
        let err = ssh_failure("root@box:2222", unknown);
        assert_eq!(err.message, "ssh refused the host key of root@box:2222: it is unknown or changed");
        let hint = err.hint.unwrap();
        assert!(hint.contains("`ssh -p 2222 root@box`") && hint.contains("known_hosts"), "{hint}");

        let changed = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n\
                       @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n\
                       Host key for box has changed and you have requested strict checking.\n\
                       Host key verification failed.\n";
        assert!(ssh_failure("box", changed).message.starts_with("ssh refused the host key of box"));
    }

    #[test]
    fn other_failures_keep_sshs_last_words_sanitised() {
        let err = ssh_failure("me@box", "me@box: Permission denied (publickey).\n");
        assert!(err.message.contains("could not log in") && err.message.contains("(publickey)"), "{err}");
        let err = ssh_failure("box", "ssh: connect to host box port 22: Connection refused\x1b]2;x\x07\n");
        assert_eq!(err.message, "ssh to box failed: ssh: connect to host box port 22: Connection refused");
        let err = ssh_failure("box", "");
        assert!(err.message.contains("ended before the daemon answered"), "{err}");
        assert_eq!(err.kind, DaemonErrorKind::Unreachable);
    }
}
