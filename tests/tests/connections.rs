//! The listener over real sockets: slow clients are cut off without holding a render slot,
//! oversized heads are refused, idle connections close, shutdown lets requests finish, and a
//! client that stops reading a large answer holds back no other download.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use omzien_server::listen::{Limits, serve};
use omzien_server::routes::app;
use omzien_server::state::AppState;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The demo served on a loopback port with these limits and one render slot; the sender
/// stops it.
async fn start(limits: Limits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let state = AppState::new(
        omzien::demo::dataset(),
        omzien::demo::boundaries().into(),
        32 << 20,
    )
    .with_render_limits(1, 4);
    serve_on_loopback(state, limits).await
}

/// `state` served on a loopback port with these limits; the sender stops it.
async fn serve_on_loopback(
    state: AppState,
    limits: Limits,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        serve(listener, app(state), &limits, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    (addr, tx)
}

/// Reads until the peer closes (or `limit` passes): what came, and whether it closed.
async fn read_to_close(s: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let end = Instant::now() + limit;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
        }
    }
}

/// One request on a fresh connection: the status line and the time it took.
async fn request(addr: SocketAddr, head: &str) -> (String, Duration) {
    let start = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let (text, _) = read_to_close(&mut s, Duration::from_secs(20)).await;
    let status = text.lines().next().unwrap_or("").to_owned();
    (status, start.elapsed())
}

const TILE: &str = "/tiles/12/2101/1347.png?level=buurt";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trickling_clients_are_cut_off_and_hold_no_render_slot() {
    let (addr, _stop) = start(Limits::default().with_timeouts(Duration::from_secs(1))).await;
    // Eight clients send a tile request's head one byte every 150 ms: 3 s or more in all.
    let head = format!("GET {TILE} HTTP/1.1\r\nHost: x\r\nUser-Agent: slow\r\n\r\n");
    let slow: Vec<_> = (0..8)
        .map(|_| {
            let head = head.clone();
            tokio::spawn(async move {
                let start = Instant::now();
                let mut s = TcpStream::connect(addr).await.unwrap();
                for b in head.bytes() {
                    if s.write_all(&[b]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    if start.elapsed() > Duration::from_secs(6) {
                        break;
                    }
                }
                let (text, closed) = read_to_close(&mut s, Duration::from_secs(4)).await;
                (start.elapsed(), text, closed)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Meanwhile the one render slot serves others at once.
    for i in 0..4 {
        let (status, took) = request(
            addr,
            &format!(
                "GET /tiles/12/{}/1347.png?level=buurt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                2101 + i
            ),
        )
        .await;
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(took < Duration::from_secs(1), "{took:?}");
    }
    for task in slow {
        let (took, text, closed) = task.await.unwrap();
        // Cut off near the header timeout, long before the head was complete, with no answer
        // from a handler.
        assert!(closed, "still open after {took:?}");
        assert!(took < Duration::from_secs(4), "{took:?}");
        assert!(!text.contains("200 OK"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed_after_the_header_timeout() {
    let (addr, _stop) = start(Limits::default().with_timeouts(Duration::from_secs(1))).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200 OK"));
    // Kept alive, then closed when no next request comes.
    let start = Instant::now();
    let (rest, closed) = read_to_close(&mut s, Duration::from_secs(5)).await;
    assert!(closed, "open after {:?}", start.elapsed());
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert!(!rest.contains("HTTP/1.1"), "{rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_heads_are_refused_with_431() {
    let (addr, _stop) = start(Limits::default()).await;
    // A 20 KB header, a 20 KB request line, 100 headers: each over a limit.
    let big = "a".repeat(20_000);
    let many: String = (0..100).map(|i| format!("X-H{i}: {i}\r\n")).collect();
    for head in [
        format!("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n"),
        format!("GET /health?{big} HTTP/1.1\r\nHost: x\r\n\r\n"),
        format!("GET /health HTTP/1.1\r\nHost: x\r\n{many}\r\n"),
    ] {
        let (status, _) = request(addr, &head).await;
        assert_eq!(status, "HTTP/1.1 431 Request Header Fields Too Large");
    }
    // Within the limits the same requests are served.
    let fine = "a".repeat(4_000);
    let few: String = (0..30).map(|i| format!("X-H{i}: {i}\r\n")).collect();
    for head in [
        format!("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {fine}\r\nConnection: close\r\n\r\n"),
        format!("GET /health HTTP/1.1\r\nHost: x\r\n{few}Connection: close\r\n\r\n"),
    ] {
        let (status, _) = request(addr, &head).await;
        assert_eq!(status, "HTTP/1.1 200 OK");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_neither_delays_the_answer_nor_keeps_the_connection() {
    let (addr, _stop) = start(Limits::default().with_timeouts(Duration::from_secs(1))).await;
    let start = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\nabc")
        .await
        .unwrap();
    let (text, closed) = read_to_close(&mut s, Duration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
    assert!(closed);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    // A body declared over the limit is refused before it is read.
    let (status, took) = request(
        addr,
        "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nabc",
    )
    .await;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_request_in_flight_finish_and_refuses_new_connections() {
    let (addr, stop) = start(Limits::default().with_grace(Duration::from_secs(5))).await;
    // A connection in the middle of a request when the signal comes.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {TILE} HTTP/1.1\r\nHost: x\r\n").as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.write_all(b"\r\n").await.unwrap();
    let (text, closed) = read_to_close(&mut s, Duration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
    assert!(
        text.to_ascii_lowercase()
            .contains("content-type: image/png")
    );
    assert!(closed, "the connection closes after its answer");
    // The listener is gone.
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_a_large_answer_holds_back_no_other() {
    // Every buurt's figures as JSON (2.9 MB on the national files): the demo has no answer
    // that large.
    let Some(ds) = omzien_tests::national_dataset() else {
        return;
    };
    let state = AppState::new(ds.clone(), Vec::new(), 64 << 20);
    let (addr, _stop) = serve_on_loopback(state, Limits::default()).await;
    let head = "GET /api/figures?level=buurt HTTP/1.1\r\nHost: x\r\n\r\n";
    let closing = head.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
    // The answer computed once (so the stalled client below waits on nothing but itself).
    let (whole, _) = request(addr, &closing).await;
    assert!(whole.starts_with("HTTP/1.1 200"), "{whole}");
    // Four clients ask for it with a 4 KiB receive buffer, read its first bytes and then stop
    // reading (a phone in a tunnel), keeping their connections open.
    let mut stalled = Vec::new();
    for _ in 0..4 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut s = socket.connect(addr).await.unwrap();
        s.write_all(head.as_bytes()).await.unwrap();
        let mut first = [0u8; 64];
        let n = s.read(&mut first).await.unwrap();
        assert!(first[..n].starts_with(b"HTTP/1.1 200"));
        stalled.push(s);
    }
    // Another client gets the whole answer meanwhile (with turns held by the stalled ones it
    // got nothing at all).
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(closing.as_bytes()).await.unwrap();
    let (text, closed) = read_to_close(&mut s, Duration::from_secs(20)).await;
    assert!(closed, "the download did not finish while others stalled");
    let (head_part, body) = text.split_once("\r\n\r\n").unwrap();
    let length: usize = head_part
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(length > 1 << 20, "{length} bytes: a large answer");
    assert_eq!(body.len(), length);
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert!(v.is_object() || v.is_array());
    drop(stalled);
}
