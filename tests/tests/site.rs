//! `omzien export site` checked by the clients a web team uses: the folder is served by nginx
//! (Debian `nginx-light`) on loopback, with no omzien process, and Debian's chromium loads it
//! through playwright-core (`tests/web/site.test.mjs`): the map paints, every request is answered
//! from the folder, and a click shows the card. The screenshot is then read here: the map area
//! is painted in the legend's colours.
//!
//! On the demo data (always) and on the national data (where it is present): clicking inside
//! Amsterdam at the gemeente level shows 53,2 % (Eenzaam_28, 18+, 2020), and at the wijk level
//! the wijk's name (from the boundary file).
//!
//! The deployment the README describes is tested too: the demo site uploaded to an
//! S3-compatible object store (PyPI `moto[server]`, started on loopback) with a public-read
//! bucket policy, its archives answered by range requests, and chromium loading the map from
//! the bucket's address.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use omzien_tests::{Browser, browser, client_present, national, omzien_cli};

/// nginx serving one folder on a loopback port; stopped on drop.
struct Nginx {
    child: Child,
    url: String,
    _conf: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_exe() -> Option<PathBuf> {
    ["nginx", "/usr/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| {
            Command::new(p)
                .arg("-v")
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

/// Starts nginx (one process, no daemon, its logs and temp files in a temporary folder) on a
/// free loopback port, serving `root` as a static host does.
fn serve(exe: &Path, root: &Path) -> Nginx {
    let conf = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let d = conf.path().display();
    let text = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
         error_log {d}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n\
         access_log off;\nclient_body_temp_path {d}/body;\nproxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\nuwsgi_temp_path {d}/uwsgi;\nscgi_temp_path {d}/scgi;\n\
         types {{ text/html html; text/css css; application/javascript js; \
         application/json json; image/png png; text/plain txt; }}\n\
         default_type application/octet-stream;\n\
         server {{ listen 127.0.0.1:{port}; root {}; }}\n}}\n",
        root.display()
    );
    std::fs::write(conf.path().join("nginx.conf"), text).unwrap();
    let mut child = Command::new(exe)
        .arg("-p")
        .arg(conf.path())
        .arg("-c")
        .arg(conf.path().join("nginx.conf"))
        .arg("-e")
        .arg(conf.path().join("error.log"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Nginx {
                child,
                url,
                _conf: conf,
            };
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(conf.path().join("error.log")).unwrap_or_default();
    panic!("nginx did not listen on {port}: {log}");
}

/// `#rrggbb` → RGB.
fn rgb(hex: &str) -> Option<[u8; 3]> {
    let h = hex.strip_prefix('#')?;
    let v = u32::from_str_radix(h, 16).ok()?;
    Some([(v >> 16) as u8, (v >> 8) as u8, v as u8])
}

/// Every colour string in a style expression.
fn colors(v: &serde_json::Value, out: &mut Vec<[u8; 3]>) {
    match v {
        serde_json::Value::String(s) => out.extend(rgb(s)),
        serde_json::Value::Array(a) => a.iter().for_each(|x| colors(x, out)),
        _ => {}
    }
}

/// Where the exported folder is served from.
enum Host<'a> {
    /// nginx with this executable, the folder as its root.
    Nginx(&'a Path),
    /// An S3-compatible object store (moto) on loopback, the folder uploaded to a bucket.
    S3,
}

/// A running host: its address (the page is `{url}/{page}`); stopped on drop.
struct Served {
    url: String,
    page: &'static str,
    _process: Box<dyn std::any::Any>,
}

/// Exports, serves and drives the site; returns the pixels of each legend colour on the
/// screenshot and the number of class colours of the shown view.
fn check_site(
    b: &Browser,
    host: &Host<'_>,
    args: &[&str],
    click: Option<&str>,
    find: Option<&str>,
) -> (HashMap<[u8; 3], usize>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let shot = dir.path().join("site.png");
    let mut all = vec!["export", "site", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let printed = omzien_cli(&all).unwrap();
    println!("{printed}");
    // Nothing but the site is left beside it (no staged folder).
    assert_eq!(omzien_tests::listing(dir.path()), ["site"]);

    let server = match host {
        Host::Nginx(exe) => {
            let n = serve(exe, &out);
            Served {
                url: n.url.clone(),
                page: "",
                _process: Box::new(n),
            }
        }
        Host::S3 => upload(&out),
    };
    let mut cmd = Command::new("node");
    cmd.arg("--test")
        .arg("--test-reporter=spec")
        .arg("site.test.mjs")
        .current_dir(&b.web)
        .env("SITE_URL", &server.url)
        .env("SITE_PAGE", server.page)
        .env("SITE_SHOT", &shot)
        .env("OMZIEN_CHROMIUM", &b.chromium);
    if let Some(c) = click {
        cmd.env("SITE_CLICKS", c);
    }
    if let Some(f) = find {
        cmd.env("SITE_FIND", f);
    }
    let run = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        run.status.success(),
        "site test failed:\n{stdout}\n{stderr}"
    );
    drop(server);

    // The colours of the view the page opens with: the latest wave of the first age group.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("site.json")).unwrap()).unwrap();
    let latest = manifest["waves"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    let view = manifest["ages"][0]["views"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == latest)
        .unwrap()
        .clone();
    let mut palette = Vec::new();
    for c in view["colors"].as_object().unwrap().values() {
        colors(c, &mut palette);
    }
    palette.sort_unstable();
    palette.dedup();

    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let mut counts: HashMap<[u8; 3], usize> = HashMap::new();
    for px in buf[..info.buffer_size()].chunks_exact(channels) {
        let c = [px[0], px[1], px[2]];
        if palette.contains(&c) {
            *counts.entry(c).or_default() += 1;
        }
    }
    println!("legend colours on the screenshot: {counts:?}");
    (counts, palette.len())
}

/// moto's S3 server on a free loopback port; stopped on drop.
struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The bucket the site is uploaded to.
const BUCKET: &str = "omzien-site";

/// Uploads the folder to a bucket of a fresh moto S3 server, as `aws s3 sync` would (each
/// file with its media type, the bucket readable by anyone through a bucket policy), checks a
/// range request of an archive, and returns the bucket's address.
fn upload(folder: &Path) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let moto = Moto(child);
    let endpoint = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(up, "moto did not listen on {port}");
    let script = r#"
import json, mimetypes, pathlib, sys, urllib.request
import boto3
endpoint, bucket, folder = sys.argv[2], sys.argv[3], pathlib.Path(sys.argv[4])
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="deploy", aws_secret_access_key="deploy")
s3.create_bucket(Bucket=bucket)
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
types = {".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
         ".pmtiles": "application/vnd.pmtiles", ".css": "text/css", ".html": "text/html",
         ".png": "image/png"}
n = 0
for f in sorted(p for p in folder.rglob("*") if p.is_file()):
    kind = types.get(f.suffix) or mimetypes.guess_type(f.name)[0] or "application/octet-stream"
    s3.upload_file(str(f), bucket, f.relative_to(folder).as_posix(), ExtraArgs={"ContentType": kind})
    n += 1
# Anonymous, as a browser asks: the page, then the first 127 bytes of an archive.
page = urllib.request.urlopen(f"{endpoint}/{bucket}/index.html")
archive = next(p for p in folder.rglob("*.pmtiles")).relative_to(folder).as_posix()
req = urllib.request.Request(f"{endpoint}/{bucket}/{archive}", headers={"Range": "bytes=0-126"})
r = urllib.request.urlopen(req)
head = r.read()
print(json.dumps({"files": n, "page": page.status, "page_type": page.headers["Content-Type"],
                  "range_status": r.status, "content_range": r.headers["Content-Range"],
                  "bytes": len(head), "magic": head[:7].decode("latin-1")}))
"#;
    let out = Command::new("python3")
        .args(["-c", script, "-"])
        .arg(&endpoint)
        .arg(BUCKET)
        .arg(folder)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "upload: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    println!("uploaded to {endpoint}/{BUCKET}: {said}");
    assert!(said["files"].as_u64().unwrap() > 5, "{said}");
    assert_eq!(said["page"], 200, "{said}");
    assert_eq!(said["page_type"], "text/html", "{said}");
    // The archive answers a range request with just that range (the PMTiles header).
    assert_eq!(said["range_status"], 206, "{said}");
    assert_eq!(said["bytes"], 127, "{said}");
    assert_eq!(said["magic"], "PMTiles", "{said}");
    assert!(
        said["content_range"]
            .as_str()
            .unwrap()
            .starts_with("bytes 0-126/"),
        "{said}"
    );
    Served {
        url: format!("{endpoint}/{BUCKET}"),
        page: "index.html",
        _process: Box::new(moto),
    }
}

fn tools() -> Option<(Browser, PathBuf)> {
    let b = browser()?;
    let mut probe = Command::new("sh");
    probe.args(["-c", "command -v nginx || test -x /usr/sbin/nginx"]);
    if !client_present("nginx (apt install nginx-light)", probe) {
        return None;
    }
    Some((b, nginx_exe()?))
}

#[test]
fn demo_site_paints_in_chromium_from_nginx() {
    let Some((b, nginx)) = tools() else { return };
    // The accessibility checks of the served map, on the exported one: a wijk found by name in
    // the site's own index.
    let find =
        r#"{"q": "Oosterkwartier", "code": "WK999903", "lon": 3.9, "lat": 52.898, "zoom": 11.5}"#;
    let (counts, _) = check_site(&b, &Host::Nginx(&nginx), &[], None, Some(find));
    // The demo's areas fill most of the view, in at least three of the legend's colours.
    let big: Vec<_> = counts.iter().filter(|(_, n)| **n > 2_000).collect();
    assert!(
        big.len() >= 3,
        "legend colours on the screenshot: {counts:?}"
    );
}

#[test]
fn demo_site_paints_in_chromium_from_s3_compatible_storage() {
    let Some(b) = browser() else { return };
    let mut probe = Command::new("python3");
    probe.args(["-c", "import moto.server, boto3"]);
    if !client_present("PyPI moto[server] (S3-compatible storage)", probe) {
        return;
    }
    let click = r#"[{"lon": 3.889, "lat": 52.896, "zoom": 12, "named": true}]"#;
    let (counts, _) = check_site(&b, &Host::S3, &[], Some(click), None);
    let big: Vec<_> = counts.iter().filter(|(_, n)| **n > 2_000).collect();
    assert!(
        big.len() >= 3,
        "legend colours on the screenshot: {counts:?}"
    );
}

#[test]
fn national_site_shows_amsterdam_in_chromium_from_nginx() {
    let Some(dir) = national() else { return };
    let Some((b, nginx)) = tools() else { return };
    let data = dir.join("rivm-50090NED");
    let cbs = dir.join("cbs-2020");
    // All three levels around Amsterdam (a national export takes minutes of CI; the benchmark
    // runs it): gemeente tiles at z5–9, wijk z10–12, buurt z13–14.
    let (counts, classes) = check_site(
        &b,
        &Host::Nginx(&nginx),
        &[
            "--data",
            data.to_str().unwrap(),
            "--boundaries",
            cbs.to_str().unwrap(),
            "--bbox",
            "4.75,52.30,5.05,52.42",
            "--zooms",
            "gemeente=5-9,wijk=10-12,buurt=13-14",
        ],
        Some(
            r#"[{"lon": 4.90, "lat": 52.37, "zoom": 8, "text": "53,2%"},
                {"lon": 4.90, "lat": 52.37, "zoom": 11, "named": true}]"#,
        ),
        Some(
            r#"{"q": "Burgwallen-Nieuwe", "code": "WK036301", "lon": 4.89, "lat": 52.37, "zoom": 11}"#,
        ),
    );
    assert!(classes >= 5, "{classes} colours in the style");
    let painted: usize = counts.values().sum();
    assert!(
        counts.values().filter(|n| **n > 500).count() >= 2 && painted > 50_000,
        "legend colours on the screenshot: {counts:?}"
    );
}

#[test]
fn site_refuses_bad_input_before_work_and_replaces_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = out.to_str().unwrap();
    for (args, expect) in [
        (vec!["--zooms", "wijk=12-10"], "reversed"),
        (vec!["--zooms", "wijk=10-23"], "not a zoom"),
        (vec!["--bbox", "1,2,3"], "is not west,south,east,north"),
        (vec!["--bbox", "100,10,101,11"], "bbox"),
        (vec!["--indicator", "Gelukkig_99"], "Gelukkig_99"),
        (vec!["--age", "7-"], "7-"),
    ] {
        let mut all = vec!["export", "site", "--out", o];
        all.extend(args.iter().copied());
        let e = omzien_cli(&all).unwrap_err();
        assert!(e.contains(expect), "{args:?}: {e}");
        assert!(!out.exists(), "{args:?}: a folder was left");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?}"
        );
    }
    omzien_cli(&["export", "site", "--out", o]).unwrap();
    std::fs::write(out.join("stale.txt"), "from before").unwrap();
    let e = omzien_cli(&["export", "site", "--out", o]).unwrap_err();
    assert!(e.contains("exists"), "{e}");
    assert!(
        out.join("stale.txt").exists(),
        "refused without --force, nothing touched"
    );
    omzien_cli(&["export", "site", "--out", o, "--force"]).unwrap();
    assert!(
        !out.join("stale.txt").exists(),
        "--force replaces the folder"
    );
    for f in [
        "index.html",
        "assets/map.js",
        "assets/map.css",
        "site.json",
        "search.json",
        "assets/vendor/maplibre-gl/maplibre-gl.js",
        "assets/vendor/pmtiles/pmtiles.js",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the site is left"
    );
}
