//! Cross-origin reading (CORS): which other sites' pages may draw the tiles and read the API.
//! By default any origin may `GET` and `HEAD` everything (as martin does), with the headers a
//! map or a script needs exposed; the operator may restrict it to a list of origins or turn it
//! off (`cors` in the settings file, `OMZIEN_CORS`, `--cors`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// Which origins may read the server's answers from their pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CorsSetting", into = "CorsSetting")]
pub enum Cors {
    /// Every origin (`Access-Control-Allow-Origin: *`).
    #[default]
    Any,
    /// None: no CORS headers, preflights are not answered.
    Off,
    /// Only these origins (`https://gemeente.nl`), each echoed with `Vary: Origin`.
    Origins(Vec<String>),
}

/// `cors` as a settings file writes it: `true`, `false`, `"*"`, `"off"` or a list of origins.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum CorsSetting {
    Flag(bool),
    Text(String),
    List(Vec<String>),
}

impl TryFrom<CorsSetting> for Cors {
    type Error = String;
    fn try_from(s: CorsSetting) -> Result<Self, String> {
        match s {
            CorsSetting::Flag(true) => Ok(Self::Any),
            CorsSetting::Flag(false) => Ok(Self::Off),
            CorsSetting::Text(t) => t.parse(),
            CorsSetting::List(l) => Self::origins(l.iter().map(String::as_str)),
        }
    }
}

impl From<Cors> for CorsSetting {
    fn from(c: Cors) -> Self {
        match c {
            Cors::Any => Self::Flag(true),
            Cors::Off => Self::Flag(false),
            Cors::Origins(o) => Self::List(o),
        }
    }
}

impl Cors {
    /// A list of origins, each `scheme://host[:port]` without a path.
    ///
    /// # Errors
    /// A message naming the first entry that is no origin.
    pub fn origins<'a>(list: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut out = Vec::new();
        for o in list.into_iter().map(str::trim).filter(|o| !o.is_empty()) {
            let rest = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"));
            match rest {
                Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => {
                    out.push(o.to_ascii_lowercase());
                }
                _ => {
                    return Err(format!(
                        "{o:?} is not an origin such as https://www.gemeente.nl or http://localhost:3000 (scheme and host, no path)"
                    ));
                }
            }
        }
        if out.is_empty() {
            return Err(
                "no origin given: write * for any, off for none, or origins separated by commas"
                    .to_owned(),
            );
        }
        Ok(Self::Origins(out))
    }

    /// Whether a page of `origin` may read the answers.
    #[must_use]
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Off => false,
            Self::Origins(list) => list.iter().any(|o| o.eq_ignore_ascii_case(origin)),
        }
    }
}

/// `*` (or `any`, `on`, `true`), `off` (or `none`, `false`), or origins separated by commas.
///
/// ```
/// use omzien_server::cors::Cors;
/// assert_eq!("*".parse::<Cors>()?, Cors::Any);
/// assert_eq!("off".parse::<Cors>()?, Cors::Off);
/// assert_eq!(
///     "https://a.nl, http://localhost:3000".parse::<Cors>()?,
///     Cors::Origins(vec!["https://a.nl".into(), "http://localhost:3000".into()])
/// );
/// assert!("a.nl".parse::<Cors>().is_err());
/// # Ok::<(), String>(())
/// ```
impl std::str::FromStr for Cors {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "*" | "any" | "on" | "true" => Ok(Self::Any),
            "off" | "none" | "false" => Ok(Self::Off),
            _ => Self::origins(s.split(',')),
        }
    }
}

/// The headers a page may read from an answer besides the simple ones.
const EXPOSED: &str =
    "ETag, X-Total-Count, X-Truncated, X-Omzien-Synthetic, Retry-After, Content-Length";

/// The methods other origins may use.
const METHODS: &str = "GET, HEAD";

/// The middleware: answers preflights, refuses those for other methods or origins, and marks
/// every answer a listed origin may read.
pub async fn layer(State(cors): State<Arc<Cors>>, req: Request, next: Next) -> Response {
    if *cors == Cors::Off {
        return next.run(req).await;
    }
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        return answer_preflight(&cors, origin.as_deref(), req.headers());
    }
    let mut res = next.run(req).await;
    mark(&cors, origin.as_deref(), res.headers_mut());
    res
}

/// The CORS headers of an answer to `origin`.
fn mark(cors: &Cors, origin: Option<&str>, h: &mut HeaderMap) {
    match cors {
        Cors::Off => {}
        Cors::Any => {
            h.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            h.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSED),
            );
        }
        Cors::Origins(_) => {
            h.append(header::VARY, HeaderValue::from_static("origin"));
            if let Some(o) = origin.filter(|o| cors.allows(o))
                && let Ok(v) = HeaderValue::from_str(o)
            {
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
                h.insert(
                    header::ACCESS_CONTROL_EXPOSE_HEADERS,
                    HeaderValue::from_static(EXPOSED),
                );
            }
        }
    }
}

/// A preflight: 204 with what may be asked, or a JSON refusal naming what is allowed.
fn answer_preflight(cors: &Cors, origin: Option<&str>, req: &HeaderMap) -> Response {
    let refuse = |status: StatusCode, error: String| {
        let mut res = (
            status,
            axum::Json(crate::answer::ErrorBody {
                error,
                status: status.as_u16(),
            }),
        )
            .into_response();
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(METHODS));
        res
    };
    let Some(origin) = origin.filter(|o| cors.allows(o)) else {
        let allowed = match cors {
            Cors::Origins(list) => list.join(", "),
            _ => String::new(),
        };
        return refuse(
            StatusCode::FORBIDDEN,
            format!(
                "origin {:?} may not read this server's answers (allowed: {allowed})",
                origin.unwrap_or_default()
            ),
        );
    };
    let method = req
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !["GET", "HEAD"].contains(&method) {
        return refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method:?} is not answered across origins: this server answers {METHODS}"),
        );
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    let h = res.headers_mut();
    mark(cors, Some(origin), h);
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(METHODS),
    );
    if let Some(asked) = req.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    h.append(
        header::VARY,
        HeaderValue::from_static("access-control-request-method, access-control-request-headers"),
    );
    res
}
