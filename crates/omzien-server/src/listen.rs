//! The listener: every connection served by hyper's HTTP/1 with the limits a server on the
//! open internet needs, and a graceful shutdown.
//!
//! - A client must send a request's head (request line and headers) within
//!   [`Limits::header_timeout`], also while a kept-alive connection waits for its next
//!   request; a client that trickles its headers is cut off. Handlers run only after the whole
//!   head has arrived, so such a client never holds a render slot.
//! - A request's head may hold at most [`Limits::max_head_bytes`] and
//!   [`Limits::max_headers`] headers; a longer one is answered 431.
//! - A request body must arrive within [`Limits::body_timeout`] of its last byte, and may hold at
//!   most [`Limits::max_body_bytes`] (the API reads no bodies; a handler that ever does is
//!   bounded).
//! - On shutdown the listener closes, requests in flight finish and connections close after
//!   their response; what has not finished within [`Limits::grace`] is dropped.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// The limits of every connection.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Limits {
    /// Time to send a request's head, and to start the next request on a kept-alive
    /// connection.
    pub header_timeout: Duration,
    /// Time between the bytes of a request body.
    pub body_timeout: Duration,
    /// Bytes of a request's head (request line and headers); at least 8,192.
    pub max_head_bytes: usize,
    /// Headers of a request.
    pub max_headers: usize,
    /// Bytes of a request body.
    pub max_body_bytes: usize,
    /// Time requests in flight get to finish on shutdown.
    pub grace: Duration,
}

impl Default for Limits {
    /// 10 s for a head or a pause in a body, 16 KiB and 64 headers a head, 64 KiB a body,
    /// 5 s of grace on shutdown.
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_head_bytes: 16 * 1024,
            max_headers: 64,
            max_body_bytes: 64 * 1024,
            grace: Duration::from_secs(5),
        }
    }
}

impl Limits {
    /// The same limits with `header_timeout` and `body_timeout` set to `t`.
    #[must_use]
    pub fn with_timeouts(mut self, t: Duration) -> Self {
        self.header_timeout = t;
        self.body_timeout = t;
        self
    }

    /// The same limits with this grace on shutdown.
    #[must_use]
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets requests in flight
/// finish (for at most [`Limits::grace`]).
///
/// # Errors
/// None so far: failed accepts (a client gone, too many open files) are logged and retried
/// after a pause, failed connections logged.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let service = ServiceBuilder::new()
        .layer(RequestBodyTimeoutLayer::new(limits.body_timeout))
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .service(router);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_head_bytes.max(8192))
        .max_headers(limits.max_headers)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors, or a connection reset before it was
                        // taken: pause instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let conn = builder.serve_connection(
                    TokioIo::new(stream),
                    TowerToHyperService::new(service.clone()),
                );
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection closed with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.grace) => {
            tracing::warn!(grace = ?limits.grace, "requests still running at the end of the grace period");
        }
    }
    Ok(())
}
