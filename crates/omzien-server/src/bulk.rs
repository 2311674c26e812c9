//! Large answers (the national buurt figures as CSV, 1.3 MB) sent without starving the small
//! ones (tiles, a gemeente's figures). Two rules, each measured in `benches/http/mixed.sh`:
//!
//! 1. **A byte budget while small answers are asked for.** While the server has given a
//!    small answer in the last [`BUSY_FOR`], all large answers together send at most
//!    the rate given to [`Bulk::new`] in bytes a second (as nginx's `limit_rate`, but shared, and only while others
//!    wait); alone, large answers go at full speed. The budget is taken slice by slice when a
//!    slice is sent, so a client that reads slowly holds nothing back from the others (the
//!    turns this replaced let one slow download stall every other).
//! 2. **Slices.** A large answer goes out in [`SLICE`]s and gives way once between two slices
//!    (its connection's task goes to the back of the worker's queue), so the small answers
//!    waiting on the same worker are served between the slices rather than after all of them.
//!
//! [`Bulk::body`] makes an answer's response (paced and marked [`Large`] from [`BULK_FROM`]);
//! [`watch`] is the middleware that notes every other answer as a small one.

use std::future::Future as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

/// Bodies from this size on are large and sent by [`Paced`]: 64 KiB (the national buurt
/// figures as CSV are 1.3 MB, 134 KB gzipped; a gemeente's wijken a few kilobytes). At 256 KiB
/// the gzipped CSV went unpaced and eight clients pulling it left tiles 52–61 % of their solo
/// rate; at 64 KiB 76–91 % (`benches/http/mixed.sh`).
pub const BULK_FROM: usize = 64 * 1024;

/// The slices a large body is sent in: 32 KiB (`benches/http/mixed.sh`: with 64 KiB tiles kept
/// 39–49 % of their solo rate under eight plain CSV clients, with 32 KiB 45–58 %; 16 KiB halves
/// the CSV's own rate for no gain).
pub const SLICE: usize = 32 * 1024;

/// How long after a small answer the server counts as busy with small answers: 100 ms (a map
/// asks for its tiles in bursts a few milliseconds apart).
pub const BUSY_FOR: Duration = Duration::from_millis(100);

/// The default budget of large answers while small ones are asked for: 256 MiB a second, about
/// 200 national buurt CSVs a second. Eight clients pulling that CSV beside the tile load of
/// `benches/http/mixed.sh` (two 8 s rounds each): at 128 MiB/s tiles kept 90–101 % of their
/// solo rate, at 256 MiB/s 88–102 %, at 512 MiB/s 81–85 %, with no budget 49–54 %.
pub const DEFAULT_RATE: u64 = 256 * 1024 * 1024;

/// The most a bucket filled at `rate` holds: 4 ms at the rate (the timer's grain is a
/// millisecond), at least one slice.
fn burst(rate: u64) -> f64 {
    (rate as f64 * 0.004).max(SLICE as f64)
}

/// The byte budget of the server's large answers.
#[derive(Debug)]
pub struct Bulk {
    rate: u64,
    epoch: Instant,
    /// When a small answer was last given: microseconds since `epoch`, plus one (0: never).
    last_small: AtomicU64,
    bucket: Mutex<Bucket>,
}

/// Bytes that may be sent now, refilled at the rate up to a burst.
#[derive(Debug)]
struct Bucket {
    bytes: f64,
    at: Instant,
}

impl Bulk {
    /// `rate` bytes a second for all large answers together while small answers are asked
    /// for (0: no budget).
    #[must_use]
    pub fn new(rate: u64) -> Self {
        let epoch = Instant::now();
        Self {
            rate,
            epoch,
            last_small: AtomicU64::new(0),
            bucket: Mutex::new(Bucket {
                bytes: burst(rate),
                at: epoch,
            }),
        }
    }

    /// The response carrying `bytes`: from [`BULK_FROM`] on a [`Paced`] body under this
    /// budget, with its exact `Content-Length` and marked [`Large`] (so [`watch`] does not
    /// count it as a small answer); below, the bytes as they are.
    #[must_use]
    pub fn body(self: &Arc<Self>, bytes: Bytes) -> Response {
        if bytes.len() < BULK_FROM {
            return bytes.into_response();
        }
        let len = bytes.len();
        let mut res = axum::body::Body::new(Paced::new(bytes, self.clone())).into_response();
        res.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        res.extensions_mut().insert(Large);
        res
    }

    /// Notes that a small answer was given at `now`.
    pub fn small_answered(&self, now: Instant) {
        let us = u64::try_from(now.saturating_duration_since(self.epoch).as_micros())
            .unwrap_or(u64::MAX - 1);
        self.last_small.store(us + 1, Ordering::Relaxed);
    }

    /// Whether a small answer was given within [`BUSY_FOR`] before `now`.
    #[must_use]
    pub fn busy(&self, now: Instant) -> bool {
        let last = self.last_small.load(Ordering::Relaxed);
        if last == 0 {
            return false;
        }
        let at = self.epoch + Duration::from_micros(last - 1);
        now.saturating_duration_since(at) < BUSY_FOR
    }

    /// Takes `n` bytes of the budget at `now`: `None` when they may be sent now (no budget, not
    /// busy, or enough in the bucket), else how long to wait before asking again.
    #[must_use]
    pub fn take(&self, n: usize, now: Instant) -> Option<Duration> {
        if self.rate == 0 {
            return None;
        }
        let busy = self.busy(now);
        let burst = burst(self.rate);
        // A poisoned lock (a panic elsewhere while holding it, which nothing here does) sends
        // without a budget rather than never.
        let mut b = self.bucket.lock().ok()?;
        let since = now.saturating_duration_since(b.at).as_secs_f64();
        b.bytes = (b.bytes + since * self.rate as f64).min(burst);
        b.at = b.at.max(now);
        if !busy {
            return None;
        }
        let n = n as f64;
        // A byte's slack for the rounding of the waits to nanoseconds.
        if b.bytes + 1.0 >= n.min(burst) {
            b.bytes -= n;
            return None;
        }
        let wait = (n.min(burst) - b.bytes) / self.rate as f64;
        Some(Duration::from_secs_f64(wait).max(Duration::from_micros(100)))
    }
}

/// Middleware: every answer that is not a large one counts as a small answer given now.
pub async fn watch(State(bulk): State<Arc<Bulk>>, request: Request, next: Next) -> Response {
    let res = next.run(request).await;
    if res.extensions().get::<Large>().is_none() {
        bulk.small_answered(Instant::now());
    }
    res
}

/// Marks a response whose body is [`Paced`].
#[derive(Debug, Clone, Copy)]
pub struct Large;

/// The body of a large answer: sent in [`SLICE`]s, giving way once between two slices and
/// keeping to the budget while small answers are asked for. The length is exact, so
/// `Content-Length` stays.
pub struct Paced {
    bytes: Bytes,
    at: usize,
    /// Set after a slice: the next poll gives way once (other tasks run) before the next slice.
    gave_way: bool,
    bulk: Arc<Bulk>,
    /// Waiting for the budget.
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Paced {
    /// `bytes` to be sent under `bulk`'s budget.
    #[must_use]
    pub fn new(bytes: Bytes, bulk: Arc<Bulk>) -> Self {
        Self {
            bytes,
            at: 0,
            gave_way: true,
            bulk,
            sleep: None,
        }
    }
}

impl http_body::Body for Paced {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.at >= self.bytes.len() {
            return Poll::Ready(None);
        }
        // Between slices, give way once: the connection's task goes to the back of the queue,
        // so the requests waiting behind it (tiles) are served between the slices of a bulk
        // answer rather than after all of them.
        if !self.gave_way {
            self.gave_way = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let end = (self.at + SLICE).min(self.bytes.len());
        loop {
            if let Some(sleep) = self.sleep.as_mut() {
                match sleep.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(()) => self.sleep = None,
                }
            }
            match self.bulk.take(end - self.at, Instant::now()) {
                None => break,
                // Polled outside a Tokio runtime (no timer to wait on): sent without the
                // budget rather than a panic.
                Some(_) if tokio::runtime::Handle::try_current().is_err() => break,
                Some(wait) => self.sleep = Some(Box::pin(tokio::time::sleep(wait))),
            }
        }
        self.gave_way = false;
        let slice = self.bytes.slice(self.at..end);
        self.at = end;
        Poll::Ready(Some(Ok(http_body::Frame::data(slice))))
    }

    fn is_end_stream(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact((self.bytes.len() - self.at) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the wake-ups of a task.
    #[derive(Default)]
    struct Wakes(std::sync::atomic::AtomicUsize);

    impl std::task::Wake for Wakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Polls a body once; with it, whether the body asked to be polled again at once (it gave
    /// way to other tasks rather than waiting for something).
    fn poll(body: &mut Paced) -> (Poll<Option<Bytes>>, bool) {
        let wakes = Arc::new(Wakes::default());
        let waker = std::task::Waker::from(wakes.clone());
        let mut cx = Context::from_waker(&waker);
        let p = match http_body::Body::poll_frame(Pin::new(body), &mut cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Ok(frame))) => Poll::Ready(frame.into_data().ok()),
        };
        (p, wakes.0.load(std::sync::atomic::Ordering::SeqCst) > 0)
    }

    /// Every slice of a body until its end: the bytes and how often it gave way.
    fn drain(body: &mut Paced) -> (Vec<u8>, usize) {
        let (mut got, mut gave_way) = (Vec::new(), 0);
        loop {
            match poll(body) {
                (Poll::Ready(Some(s)), _) => got.extend_from_slice(&s),
                (Poll::Ready(None), _) => return (got, gave_way),
                (Poll::Pending, woke) => {
                    assert!(woke, "without a budget a body only gives way");
                    gave_way += 1;
                }
            }
        }
    }

    fn megabyte() -> Bytes {
        Bytes::from(
            (0..1_000_000u32)
                .map(|i| (i % 251) as u8)
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn a_large_body_is_sent_whole_giving_way_between_slices() {
        let bulk = Arc::new(Bulk::new(DEFAULT_RATE));
        let bytes = megabyte();
        let mut first = Paced::new(bytes.clone(), bulk.clone());
        let mut second = Paced::new(bytes.clone(), bulk.clone());
        assert_eq!(http_body::Body::size_hint(&first).exact(), Some(1_000_000));
        // The first sends a slice, then is not polled again for a while (its client reads
        // slowly): the second is not held back by it.
        let (Poll::Ready(Some(s)), _) = poll(&mut first) else {
            panic!("the first body waits")
        };
        let mut got = s.to_vec();
        let (second_got, _) = drain(&mut second);
        assert_eq!(second_got, bytes);
        // No small answer given: no budget, only giving way.
        let (rest, gave_way) = drain(&mut first);
        got.extend_from_slice(&rest);
        assert_eq!(got, bytes, "sent whole, in order");
        assert!(http_body::Body::is_end_stream(&first));
        // Between two slices it gave way once, so other tasks ran in between.
        let slices = bytes.len().div_ceil(SLICE);
        assert_eq!(gave_way, slices - 1, "{slices} slices");
    }

    #[test]
    fn outside_a_runtime_a_body_goes_without_the_budget() {
        let bulk = Arc::new(Bulk::new(1024 * 1024));
        bulk.small_answered(Instant::now());
        let bytes = megabyte();
        let (got, _) = drain(&mut Paced::new(bytes.clone(), bulk.clone()));
        assert_eq!(got, bytes);
    }

    #[test]
    fn the_budget_holds_only_while_small_answers_are_asked_for() {
        let mib = 1024 * 1024;
        let bulk = Bulk::new(64 * mib);
        let t0 = Instant::now();
        // Not busy: anything goes, however much.
        assert!(!bulk.busy(t0));
        for _ in 0..100 {
            assert_eq!(bulk.take(SLICE, t0), None);
        }
        // A small answer: the bucket's burst (4 ms at 64 MiB/s = 262 KiB, 8 slices) goes at
        // once, the next slice waits for its bytes to come in at the rate.
        bulk.small_answered(t0);
        assert!(bulk.busy(t0));
        let burst = (64 * mib) as f64 * 0.004;
        let whole = (burst / SLICE as f64).floor() as usize;
        for i in 0..whole {
            assert_eq!(bulk.take(SLICE, t0), None, "slice {i} of the burst");
        }
        let wait = bulk.take(SLICE, t0).expect("the budget is spent");
        let expected = (SLICE as f64 - (burst - (whole * SLICE) as f64)) / (64 * mib) as f64;
        assert!(
            (wait.as_secs_f64() - expected.max(1e-4)).abs() < 1e-6,
            "{wait:?} against {expected}"
        );
        // After that wait the slice goes; a second right after waits a full slice's time.
        let t1 = t0 + wait;
        assert_eq!(bulk.take(SLICE, t1), None);
        let again = bulk.take(SLICE, t1).expect("spent again");
        let slice_time = SLICE as f64 / (64 * mib) as f64;
        assert!((again.as_secs_f64() - slice_time).abs() < 1e-6, "{again:?}");
        // Over a second of being busy, the bytes sent stay within a second's budget and burst.
        let mut sent = 0usize;
        let mut now = t1;
        let end = t1 + Duration::from_secs(1);
        while now < end {
            bulk.small_answered(now);
            match bulk.take(SLICE, now) {
                None => sent += SLICE,
                Some(w) => now += w,
            }
        }
        let most = (64 * mib) as f64 * (1.0 + 0.004) + SLICE as f64;
        let least = (64 * mib) as f64 * 0.95;
        assert!(
            (least..=most).contains(&(sent as f64)),
            "{sent} bytes in a busy second"
        );
        // 100 ms after the last small answer the budget is lifted.
        let later = now + BUSY_FOR;
        assert!(!bulk.busy(later));
        assert_eq!(bulk.take(SLICE, later), None);
        // No budget at all: never waits.
        let free = Bulk::new(0);
        free.small_answered(t0);
        assert_eq!(free.take(usize::MAX / 2, t0), None);
    }

    #[tokio::test]
    async fn a_large_body_keeps_to_the_budget_while_small_answers_are_asked_for() {
        // 4 MiB/s while busy: a megabyte takes at least its bytes less the burst at the rate
        // (a quarter second less 4 ms); the test only holds the lower bound, which the waiting
        // guarantees whatever the machine.
        let rate = 4 * 1024 * 1024;
        let bulk = Arc::new(Bulk::new(rate));
        let bytes = megabyte();
        let start = Instant::now();
        bulk.small_answered(start);
        let mut body = Paced::new(bytes.clone(), bulk.clone());
        let mut got = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| {
            // Keep the server busy: a small answer before every slice.
            bulk.small_answered(Instant::now());
            http_body::Body::poll_frame(Pin::new(&mut body), cx)
        })
        .await
        {
            let frame = match frame {
                Ok(f) => f,
                Err(never) => match never {},
            };
            if let Ok(data) = frame.into_data() {
                got.extend_from_slice(&data);
            }
        }
        assert_eq!(got, bytes);
        let least = (bytes.len() as f64 - burst(rate)) / rate as f64;
        let took = start.elapsed().as_secs_f64();
        assert!(
            took >= least,
            "took {took} s, at least {least} s by the budget"
        );
    }

    #[tokio::test]
    async fn small_answers_make_the_server_busy_and_large_ones_do_not() {
        use tower::ServiceExt as _;
        let bulk = Arc::new(Bulk::new(DEFAULT_RATE));
        let app = axum::Router::new()
            .route("/small", axum::routing::get(|| async { "x" }))
            .route(
                "/large",
                axum::routing::get(
                    |state: State<Arc<Bulk>>| async move { state.0.body(megabyte()) },
                ),
            )
            .layer(axum::middleware::from_fn_with_state(bulk.clone(), watch))
            .with_state(bulk.clone());
        let get = |path: &str| {
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap_or_default()
        };
        let res = app.clone().oneshot(get("/large")).await.unwrap();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await;
        assert_eq!(body.map(|b| b.len()).ok(), Some(1_000_000));
        assert!(
            !bulk.busy(Instant::now()),
            "a large answer is not a small one"
        );
        let res = app.oneshot(get("/small")).await;
        assert!(res.is_ok_and(|r| r.status().is_success()));
        assert!(bulk.busy(Instant::now()));
        assert!(!bulk.busy(Instant::now() + BUSY_FOR));
    }
}
