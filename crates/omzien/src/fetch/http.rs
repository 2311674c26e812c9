//! One GET at a time, with retries: 429 and 5xx answers, dropped connections and pages that end
//! early are tried again after a wait (the server's `Retry-After` where it gives one, else an
//! exponential backoff); other failures end the download at once.

use std::time::Duration;

use serde_json::Value;

use super::{FetchError, Progress, Retry};

/// What a GET gave.
#[derive(Debug)]
pub(crate) enum Got {
    /// A JSON document.
    Json(Value),
    /// 404.
    NotFound,
}

/// The HTTP client of a download.
pub(crate) struct Client {
    agent: ureq::Agent,
    retry: Retry,
}

/// A failure worth another try, and how long the server asked us to wait.
struct Transient {
    why: String,
    wait: Option<Duration>,
}

impl Client {
    pub(crate) fn new(retry: Retry) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(retry.timeout))
            .http_status_as_error(false)
            .user_agent(concat!("omzien/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Self { agent, retry }
    }

    /// GETs `url` as JSON, trying again on transient failures.
    pub(crate) fn json(&self, url: &str, progress: &dyn Progress) -> Result<Got, FetchError> {
        let attempts = self.retry.attempts.max(1);
        let mut attempt = 1;
        loop {
            let t = match self.once(url)? {
                Ok(got) => return Ok(got),
                Err(t) => t,
            };
            if attempt >= attempts {
                return Err(FetchError::GaveUp {
                    url: url.to_owned(),
                    attempts,
                    last: t.why,
                });
            }
            let backoff = self
                .retry
                .first_wait
                .saturating_mul(1 << (attempt - 1).min(16));
            let wait = t.wait.unwrap_or(backoff).min(self.retry.max_wait);
            progress.retry(url, &t.why, wait, attempt, attempts);
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// One try: the document, a transient failure, or a failure that ends the download.
    fn once(&self, url: &str) -> Result<Result<Got, Transient>, FetchError> {
        let transient = |why: String| Ok(Err(Transient { why, wait: None }));
        let mut resp = match self
            .agent
            .get(url)
            .header("Accept", "application/json")
            .call()
        {
            Ok(r) => r,
            Err(ureq::Error::BadUri(e)) => {
                return Err(FetchError::Url {
                    url: url.to_owned(),
                    message: e,
                });
            }
            Err(e) => {
                return match unreachable(&e) {
                    Some(hint) => Err(FetchError::Unreachable {
                        url: url.to_owned(),
                        why: e.to_string(),
                        hint,
                    }),
                    None => transient(e.to_string()),
                };
            }
        };
        let status = resp.status().as_u16();
        match status {
            200..=299 => {}
            404 => return Ok(Ok(Got::NotFound)),
            // What another try can mend: too many requests, a gateway or a service that is
            // briefly unavailable. A 500 is the service refusing what was asked (a filter it
            // cannot read, among others): asking again gets the same answer.
            429 | 502 | 503 | 504 => {
                let wait = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(retry_after);
                return Ok(Err(Transient {
                    why: format!("HTTP {status}"),
                    wait,
                }));
            }
            _ => {
                let body = resp
                    .body_mut()
                    .with_config()
                    .limit(4096)
                    .read_to_string()
                    .unwrap_or_default();
                return Err(FetchError::Http {
                    url: url.to_owned(),
                    status,
                    body: body.chars().take(200).collect(),
                });
            }
        }
        let bytes = match resp
            .body_mut()
            .with_config()
            .limit(self.retry.max_page_bytes)
            .read_to_vec()
        {
            Ok(b) => b,
            Err(e) => return transient(format!("the page ended early: {e}")),
        };
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => Ok(Ok(Got::Json(v))),
            Err(e) if e.is_eof() => transient(format!(
                "the page ends early after {} bytes (truncated)",
                bytes.len()
            )),
            Err(e) => Err(FetchError::Page {
                url: url.to_owned(),
                message: format!("not JSON: {e}"),
            }),
        }
    }
}

/// A link as given in a page (absolute, or relative to the page's URL) made absolute.
/// A `Retry-After` value: seconds, or an HTTP date (RFC 9110), as the wait from now.
///
/// ```ignore
/// assert_eq!(retry_after("7"), Some(Duration::from_secs(7)));
/// ```
pub(crate) fn retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// What to check when a failure means the service cannot be reached at all (no network, a
/// name that does not resolve, a refused connection, a proxy or TLS that fails): trying again
/// in a few seconds does not mend these, so they are said at once.
fn unreachable(e: &ureq::Error) -> Option<String> {
    use std::io::ErrorKind;
    let network = "check the network connection, the host name in the URL, and whether a proxy \
                   is needed (HTTPS_PROXY); run the same command again once it answers";
    match e {
        ureq::Error::HostNotFound => Some(format!("the host name does not resolve: {network}")),
        // The system resolver's failure reaches ureq as an I/O error of no stable kind; the
        // standard library words it "failed to lookup address information".
        ureq::Error::Io(io) if io.to_string().contains("lookup address") => {
            Some(format!("the host name does not resolve: {network}"))
        }
        ureq::Error::ConnectionFailed => Some(format!("no connection could be made: {network}")),
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::NetworkUnreachable
                    | ErrorKind::HostUnreachable
                    | ErrorKind::AddrNotAvailable
            ) =>
        {
            Some(format!("the connection was refused: {network}"))
        }
        ureq::Error::InvalidProxyUrl | ureq::Error::ConnectProxyFailed(_) => Some(
            "the proxy (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY) cannot be used: check its URL and that it answers"
                .to_owned(),
        ),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::TlsRequired => Some(
            "the secure connection failed: check the system's clock and certificates, or an intercepting proxy".to_owned(),
        ),
        _ => None,
    }
}

pub(crate) fn resolve(page: &str, link: &str) -> String {
    if link.starts_with("http://") || link.starts_with("https://") {
        return link.to_owned();
    }
    let origin_end = page
        .find("://")
        .map(|i| i + 3)
        .and_then(|i| page[i..].find('/').map(|j| i + j))
        .unwrap_or(page.len());
    if link.starts_with('/') {
        format!("{}{link}", &page[..origin_end])
    } else {
        let path = &page[..page.find('?').unwrap_or(page.len())];
        let dir = path
            .rfind('/')
            .filter(|&i| i >= origin_end)
            .map_or(path.len(), |i| i + 1);
        let sep = if dir == path.len() && !path.ends_with('/') {
            "/"
        } else {
            ""
        };
        format!("{}{sep}{link}", &path[..dir])
    }
}

/// The pages of a paged answer, asked one by one: each must be JSON, and no next link may lead
/// back to a page already read.
pub(crate) struct Pager<'a> {
    client: &'a Client,
    progress: &'a dyn Progress,
    seen: std::collections::HashSet<String>,
}

impl<'a> Pager<'a> {
    pub(crate) fn new(client: &'a Client, progress: &'a dyn Progress) -> Self {
        Self {
            client,
            progress,
            seen: std::collections::HashSet::new(),
        }
    }

    /// The page at `url`.
    pub(crate) fn get(&mut self, url: &str) -> Result<Value, FetchError> {
        if !self.seen.insert(url.to_owned()) {
            return Err(FetchError::Page {
                url: url.to_owned(),
                message: "the next link points back to an earlier page".to_owned(),
            });
        }
        match self.client.json(url, self.progress)? {
            Got::Json(v) => Ok(v),
            Got::NotFound => Err(FetchError::Http {
                url: url.to_owned(),
                status: 404,
                body: String::new(),
            }),
        }
    }
}

/// Percent-encodes a query value (everything but RFC 3986's unreserved characters).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        assert_eq!(retry_after(" 7 "), Some(Duration::from_secs(7)));
        let soon = std::time::SystemTime::now() + Duration::from_secs(30);
        let w = retry_after(&httpdate::fmt_http_date(soon)).unwrap();
        assert!(
            w > Duration::from_secs(27) && w <= Duration::from_secs(30),
            "{w:?}"
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn links_are_made_absolute() {
        let page = "https://dataderden.cbs.nl/ODataFeed/odata/50150NED/UntypedDataSet?$format=json";
        assert_eq!(resolve(page, "https://x.nl/a?b"), "https://x.nl/a?b");
        assert_eq!(
            resolve(
                page,
                "/ODataFeed/odata/50150NED/UntypedDataSet?$skiptoken=9"
            ),
            "https://dataderden.cbs.nl/ODataFeed/odata/50150NED/UntypedDataSet?$skiptoken=9"
        );
        assert_eq!(
            resolve(page, "UntypedDataSet?$skip=10000"),
            "https://dataderden.cbs.nl/ODataFeed/odata/50150NED/UntypedDataSet?$skip=10000"
        );
        assert_eq!(resolve("http://h:1", "items?x"), "http://h:1/items?x");
    }

    #[test]
    fn encodes_an_odata_filter() {
        assert_eq!(encode("Leeftijd eq '20300'"), "Leeftijd%20eq%20%2720300%27");
    }
}
