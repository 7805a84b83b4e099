//! HTTP to one daemon, over wharf's own dialer (`transport.rs`): bollard is built on
//! it as a custom transport, and wharf's raw GETs (logs, the container list, `/info`,
//! inspects read as JSON) are ordinary requests of the same client. So every request
//! reaches the daemon the same way, with the same TLS trust and the same ssh policy.
//!
//! The client's URI only fills the `Host` header: whatever it says, the connector
//! dials the configured daemon.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bollard::errors::Error as BollardError;
use bollard::{BollardRequest, ClientVersion, Docker};
use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{StreamExt, TryFutureExt, TryStreamExt};
use http_body_util::{BodyDataStream, BodyExt, Either, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::error::describe;
use super::transport::{Dialer, Io};
use crate::model::{DaemonAddress, DaemonError, DaemonErrorKind};

/// The body type of bollard's requests, named through its request type.
pub(super) trait BodyOf {
    type Body;
}
impl<B> BodyOf for http::Request<B> {
    type Body = B;
}
pub(super) type BollardBody = <BollardRequest as BodyOf>::Body;

/// Longest error answer read for its message.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The client wharf talks to one daemon with; cheap to clone.
#[derive(Clone)]
pub struct DaemonHttp {
    client: Client<Connector, BollardBody>,
    dialer: Dialer,
    /// `http://HOST:PORT` for TCP daemons, `http://docker` for sockets and ssh.
    base: String,
    /// The backstop for each request's answer (not its streamed body).
    timeout: Duration,
}

impl DaemonHttp {
    /// A client for `address`; `timeout` bounds each request until its answer starts.
    pub fn new(address: &DaemonAddress, timeout: Duration) -> Result<Self, DaemonError> {
        let dialer = Dialer::new(address)?;
        let mut builder = Client::builder(TokioExecutor::new());
        // As bollard's own transports did: sockets and TCP dial afresh for each
        // request (a daemon that restarts leaves no stale connection in a pool); an
        // ssh connection is a process and a login, so those are kept for reuse.
        if address.host.starts_with("ssh://") {
            // Without a timer the pool never drops an idle connection, and each one is
            // an ssh process on both machines.
            builder.pool_timer(hyper_util::rt::TokioTimer::new()).pool_idle_timeout(Duration::from_secs(60));
        } else {
            builder.pool_max_idle_per_host(0);
        }
        let client = builder.build(Connector(dialer.clone()));
        let authority = super::transport::tcp_authority(&address.host)
            .filter(|a| a.parse::<http::uri::Authority>().is_ok())
            .unwrap_or("docker");
        Ok(Self { client, dialer, base: format!("http://{authority}"), timeout })
    }

    pub fn dialer(&self) -> &Dialer {
        &self.dialer
    }

    /// bollard, speaking API `version`, with this client as its transport.
    pub fn bollard(&self, version: &ClientVersion) -> Result<Docker, DaemonError> {
        let client = self.client.clone();
        let transport = move |request: BollardRequest| client.request(request).map_err(BollardError::from);
        Docker::connect_with_custom_transport(transport, Some(self.base.as_str()), self.timeout.as_secs(), version)
            .map_err(|e| describe(&e, self.dialer.host()))
    }

    /// GETs `/v{api_version}{path_and_query}` and streams the body as it comes; an
    /// empty `api_version` GETs the unversioned path, which the daemon answers in its
    /// own API version. An answer other than 2xx is an error with the daemon's
    /// message, as for bollard's requests.
    pub fn get(&self, api_version: &str, path_and_query: &str) -> BoxStream<'static, Result<Bytes, DaemonError>> {
        let this = self.clone();
        let version = if api_version.is_empty() { String::new() } else { format!("/v{api_version}") };
        let target = super::path::checked(path_and_query).map(|p| format!("{}{version}{p}", self.base));
        futures::stream::once(async move {
            let host = this.dialer.host().to_string();
            let response = this.answer(target?).await?;
            Ok(BodyDataStream::new(response.into_body())
                .map_err(move |e| describe(&BollardError::HyperResponseError { err: e }, &host)))
        })
        .try_flatten()
        .boxed()
    }

    /// The whole body of a GET (see `get`).
    pub async fn get_bytes(&self, api_version: &str, path_and_query: &str) -> Result<Vec<u8>, DaemonError> {
        let mut body = Vec::new();
        let mut stream = self.get(api_version, path_and_query);
        while let Some(chunk) = stream.next().await {
            body.extend_from_slice(&chunk?);
        }
        Ok(body)
    }

    /// POSTs `body` to `/v{api_version}{path_and_query}` with `headers` and streams the
    /// answer's body as it comes. The answer may start only once the daemon has read
    /// the whole body (a build reads its context first), so no timeout bounds it: the
    /// caller can cancel by dropping the stream.
    pub(super) fn post_stream(
        &self,
        api_version: &str,
        path_and_query: &str,
        headers: Vec<(&'static str, String)>,
        body: BollardBody,
    ) -> BoxStream<'static, Result<Bytes, DaemonError>> {
        let this = self.clone();
        let target = super::path::checked(path_and_query).map(|p| format!("{}/v{api_version}{p}", self.base));
        futures::stream::once(async move {
            let host = this.dialer.host().to_string();
            let mut request = http::Request::post(target?);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let request = request
                .body(body)
                .map_err(|e| DaemonError::new(DaemonErrorKind::Other, format!("wharf built a bad request: {e}")))?;
            let response = this.send(request, None).await?;
            Ok(BodyDataStream::new(response.into_body())
                .map_err(move |e| describe(&BollardError::HyperResponseError { err: e }, &host)))
        })
        .try_flatten()
        .boxed()
    }

    /// Sends `body` as JSON (`POST`) to `/v{api_version}{path_and_query}`; the whole
    /// answer. For the requests whose body wharf builds itself as JSON (a create
    /// request carried over from an inspect, which bollard's typed models would trim).
    pub async fn post_json(
        &self,
        api_version: &str,
        path_and_query: &str,
        body: &serde_json::Value,
    ) -> Result<Vec<u8>, DaemonError> {
        let target = super::path::checked(path_and_query).map(|p| format!("{}/v{api_version}{p}", self.base))?;
        let bytes = serde_json::to_vec(body)
            .map_err(|e| DaemonError::new(DaemonErrorKind::Other, format!("wharf built a bad request: {e}")))?;
        let request = http::Request::post(target)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Either::Left(Full::new(Bytes::from(bytes))))
            .map_err(|e| DaemonError::new(DaemonErrorKind::Other, format!("wharf built a bad request: {e}")))?;
        let response = self.send(request, Some(self.timeout)).await?;
        let host = self.dialer.host().to_string();
        let collected = tokio::time::timeout(self.timeout, response.into_body().collect())
            .await
            .map_err(|_| describe(&BollardError::RequestTimeoutError, &host))?
            .map_err(|e| describe(&BollardError::HyperResponseError { err: e }, &host))?;
        Ok(collected.to_bytes().to_vec())
    }

    /// Sends a GET of `uri`; its answer once it is a success.
    async fn answer(&self, uri: String) -> Result<http::Response<hyper::body::Incoming>, DaemonError> {
        let request = http::Request::get(uri)
            .body(Either::Left(Full::new(Bytes::new())))
            .map_err(|e| DaemonError::new(DaemonErrorKind::Other, format!("wharf built a bad request: {e}")))?;
        self.send(request, Some(self.timeout)).await
    }

    /// Sends `request`, waiting for its answer at most `timeout`; the answer once it
    /// is a success, else the daemon's message as an error.
    async fn send(
        &self,
        request: http::Request<BollardBody>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<hyper::body::Incoming>, DaemonError> {
        let host = self.dialer.host();
        let answer = self.client.request(request);
        let response = match timeout {
            Some(limit) => tokio::time::timeout(limit, answer)
                .await
                .map_err(|_| describe(&BollardError::RequestTimeoutError, host))?,
            None => answer.await,
        }
        .map_err(|e| describe(&BollardError::from(e), host))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        // The daemon says what is wrong in `{"message": ...}`; read a bounded amount of
        // it, for no longer than a request may take.
        let body = Limited::new(response.into_body(), MAX_ERROR_BODY).collect();
        let body = match tokio::time::timeout(self.timeout, body).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            _ => Bytes::new(),
        };
        let text = String::from_utf8_lossy(&body);
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
            .unwrap_or_else(|| text.into_owned());
        Err(describe(&BollardError::DockerResponseServerError { status_code: status.as_u16(), message }, host))
    }
}

/// What hyper asks for a connection: whatever the URI, it dials the daemon.
#[derive(Clone)]
pub struct Connector(Dialer);

impl tower_service::Service<http::Uri> for Connector {
    type Response = TokioIo<DaemonConn>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<TokioIo<DaemonConn>>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: http::Uri) -> Self::Future {
        let dialer = self.0.clone();
        Box::pin(async move { Ok(TokioIo::new(DaemonConn(dialer.dial().await?))) })
    }
}

/// A dialled connection, as hyper's client wants it.
pub struct DaemonConn(Pin<Box<dyn Io>>);

impl Connection for DaemonConn {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl AsyncRead for DaemonConn {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.0.as_mut().poll_read(cx, buf)
    }
}

impl AsyncWrite for DaemonConn {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.0.as_mut().poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.0.as_mut().poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.0.as_mut().poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    fn answer(status: &str, body: &str) -> String {
        format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
    }

    /// A daemon on a unix socket that answers one request with `answer` and hands
    /// back the request's head.
    async fn one_answer(reply: String) -> (tempfile::TempDir, DaemonHttp, tokio::task::JoinHandle<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sock");
        let listener = tokio::net::UnixListener::bind(&path).unwrap();
        let seen = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.ends_with(b"\r\n\r\n") {
                let n = stream.read(&mut buf).await.unwrap();
                assert!(n > 0, "the request ends");
                head.extend_from_slice(&buf[..n]);
            }
            stream.write_all(reply.as_bytes()).await.unwrap();
            stream.shutdown().await.unwrap();
            String::from_utf8(head).unwrap()
        });
        let address = DaemonAddress::plain(format!("unix://{}", path.display()));
        let http = DaemonHttp::new(&address, Duration::from_secs(5)).unwrap();
        (dir, http, seen)
    }

    #[tokio::test]
    async fn a_raw_get_is_a_get_of_exactly_the_path_asked_for() {
        let (_dir, http, seen) = one_answer(answer("200 OK", "{}")).await;
        let path = format!("/containers/{}/json", super::super::path::segment("a/../../info?x#y"));
        let body = http.get_bytes("1.41", &path).await.unwrap();
        assert_eq!(body, b"{}");
        let head = seen.await.unwrap();
        assert!(head.starts_with("GET /v1.41/containers/a%2F..%2F..%2Finfo%3Fx%23y/json HTTP/1.1\r\n"), "{head}");
    }

    #[tokio::test]
    async fn an_error_answer_is_the_daemons_message() {
        let body = r#"{"message":"No such container: web\u001b]2;x\u0007"}"#;
        let (_dir, http, _seen) = one_answer(answer("404 Not Found", body)).await;
        let err = http.get_bytes("1.41", "/containers/web/json").await.unwrap_err();
        assert_eq!(err.kind, DaemonErrorKind::NotFound);
        assert_eq!(err.message, "No such container: web", "sanitised");
    }

    #[tokio::test]
    async fn a_dot_segment_is_never_sent() {
        // No daemon there: had wharf dialled, the error would say it cannot reach it.
        let address = DaemonAddress::plain("unix:///nonexistent/wharf-test.sock");
        let http = DaemonHttp::new(&address, Duration::from_secs(5)).unwrap();
        for path in ["/containers/../info", "/containers/%2e%2E/info", "/containers//json"] {
            let err = http.get_bytes("1.41", path).await.unwrap_err();
            assert_eq!(err.kind, DaemonErrorKind::NotFound, "{path}: {err}");
        }
    }

    #[tokio::test]
    async fn a_daemon_that_is_not_there_is_said_in_words() {
        let address = DaemonAddress::plain("unix:///nonexistent/wharf-test.sock");
        let http = DaemonHttp::new(&address, Duration::from_secs(5)).unwrap();
        let err = http.get_bytes("1.41", "/info").await.unwrap_err();
        assert_eq!(err.message, "cannot reach Docker at unix:///nonexistent/wharf-test.sock: no socket at that path");
    }
}
