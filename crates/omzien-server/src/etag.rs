//! Strong ETags of answers and the check of a client's `If-None-Match`: one rule for tiles,
//! vector tiles, assets and cached API answers.

/// A strong, quoted ETag of a body: its hash and length.
pub(crate) fn strong_etag(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("\"{:016x}-{}\"", h.finish(), bytes.len())
}

/// Whether the request's `If-None-Match` names this ETag (the client's copy is current).
pub(crate) fn if_none_match(headers: &axum::http::HeaderMap, etag: &str) -> bool {
    headers
        .get(axum::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
}
