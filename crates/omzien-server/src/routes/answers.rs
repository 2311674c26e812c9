//! Answers whose work grows with the number of areas (lists, figures, profiles, risk lists,
//! trends, summaries): computed once on a render slot off the event loop (503 with
//! `Retry-After` when the queue is full, as tiles), then kept as bytes, with their gzip form
//! and a strong ETag, in the byte-bounded answer cache under the normalised query. A repeated
//! question is a cache lookup; a client holding the answer gets 304.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::bulk::Bulk;
use crate::error::ApiError;
use crate::state::{AppState, CacheCounters, CachedAnswer};

/// An answer as a handler encodes it: the body, its media type and the headers it carries
/// beside them (`X-Total-Count`, …).
#[derive(Debug)]
pub struct Encoded {
    /// The body.
    pub body: Vec<u8>,
    /// Its media type.
    pub content_type: &'static str,
    /// Headers of the answer itself.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// Bodies shorter than this are not compressed: the response compression layer's own
/// threshold, so an answer it would compress on every request is compressed here, once.
const GZIP_FROM: usize = 32;

/// How long clients and caches may keep an answer: as tiles (the data does not change while
/// the server runs).
const CACHE_CONTROL: &str = "public, max-age=3600";

impl CachedAnswer {
    /// The answer with its ETags and, for a body worth it, its gzip form (compressed here,
    /// once).
    fn new(e: Encoded) -> Self {
        let etag = super::strong_etag(&e.body);
        let gzip = (e.body.len() >= GZIP_FROM)
            .then(|| gzip(&e.body))
            .flatten()
            .filter(|z| z.len() < e.body.len())
            .map(Bytes::from);
        // A strong ETag names one representation: the gzip form gets its own.
        let gzip_etag = format!("{}-gzip\"", etag.trim_end_matches('"'));
        Self {
            body: Bytes::from(e.body),
            gzip,
            content_type: e.content_type,
            etag,
            gzip_etag,
            headers: e.headers,
        }
    }

    /// The response to a request with these headers: 304 when its `If-None-Match` names the
    /// representation it would get, else the body (gzip when accepted).
    fn respond(&self, request: &HeaderMap, bulk: &Arc<Bulk>) -> Response {
        let gzip = self.gzip.as_ref().filter(|_| accepts_gzip(request));
        let etag = if gzip.is_some() {
            &self.gzip_etag
        } else {
            &self.etag
        };
        let tag = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\""));
        let mut res = if super::if_none_match(request, &self.etag)
            || super::if_none_match(request, &self.gzip_etag)
        {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut res = bulk.body(gzip.unwrap_or(&self.body).clone());
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            if gzip.is_some() {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            for (k, v) in &self.headers {
                h.insert(k.clone(), v.clone());
            }
            res
        };
        let h = res.headers_mut();
        h.insert(header::ETAG, tag);
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        );
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        res
    }
}

/// `body` gzipped, or nothing if the encoder fails (the answer then goes uncompressed).
fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write as _;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(body).ok()?;
    z.finish().ok()
}

/// Whether the request accepts gzip (`Accept-Encoding: gzip`, not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let q_zero = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !q_zero
        })
}

/// The cache key of a request: its path and its query's parameters decoded and sorted, so
/// `?b=1&a=2` and `?a=2&b=1` are one answer.
#[must_use]
pub fn key(uri: &Uri) -> String {
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    pairs.sort();
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{}?{query}", uri.path())
}

/// The cached answer to this request, if there is one.
pub(crate) fn lookup(state: &AppState, uri: &Uri, request: &HeaderMap) -> Option<Response> {
    cached(state, &key(uri), request)
}

/// The answer kept under `key`, if any, counted as a hit.
fn cached(state: &AppState, key: &str, request: &HeaderMap) -> Option<Response> {
    state.answers.get(key).map(|c| {
        let n = &state.counters;
        CacheCounters::count(&n.answer_hits, &n.answer_misses, true);
        c.respond(request, &state.bulk)
    })
}

/// The answer to this request: from the cache, or computed by `work` on a render slot off
/// the event loop and kept. Errors are answered, not kept.
///
/// # Errors
/// What `work` returns; [`ApiError::Busy`] when the queue is full.
pub(crate) async fn answer<F>(
    state: &AppState,
    uri: &Uri,
    request: &HeaderMap,
    work: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(&AppState) -> Result<Encoded, ApiError> + Send + 'static,
{
    let key = key(uri);
    if let Some(res) = cached(state, &key, request) {
        return Ok(res);
    }
    let n = &state.counters;
    CacheCounters::count(&n.answer_hits, &n.answer_misses, false);
    let slot = state.render_slot().await?;
    let st = state.clone();
    let fresh = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work(&st).map(|e| Arc::new(CachedAnswer::new(e)))
    })
    .await
    .map_err(ApiError::internal)??;
    state.answers.insert(key, fresh.clone());
    Ok(fresh.respond(request, &state.bulk))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_the_path_and_the_sorted_decoded_query() {
        let a: Uri = "/api/risk?level=wijk&age=65%2B".parse().unwrap_or_default();
        let b: Uri = "/api/risk?age=65+&level=wijk".parse().unwrap_or_default();
        let c: Uri = "/api/risk?age=65%2B&level=wijk".parse().unwrap_or_default();
        assert_eq!(key(&a), key(&c));
        // `+` is a space in a query string: another question.
        assert_ne!(key(&a), key(&b));
        assert_ne!(
            key(&a),
            key(&"/api/areas?level=wijk&age=65%2B"
                .parse()
                .unwrap_or_default())
        );
    }

    #[test]
    fn gzip_is_offered_unless_refused() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("")),
            );
            m
        };
        assert!(accepts_gzip(&h("gzip, deflate, br")));
        assert!(accepts_gzip(&h("br;q=1.0, gzip;q=0.5")));
        assert!(!accepts_gzip(&h("gzip;q=0, br")));
        assert!(!accepts_gzip(&h("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
