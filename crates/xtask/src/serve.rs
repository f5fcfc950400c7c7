//! `cargo xtask serve`: build the wasm package, then serve the playground with a tiny std-only
//! static HTTP server. Replaceable: once www/ has a Vite dev server this can hand over to it.

use crate::setup;
use crate::test::WASM_SIMD;
use crate::util::{self, cmd, sh, Res};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

static SITE: OnceLock<PathBuf> = OnceLock::new();

pub fn run(args: &[String]) -> Res {
    let mut port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let mut build = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number")?
            }
            "--no-build" => build = false,
            "--dir" => {
                let d = it.next().ok_or("--dir needs a folder")?;
                let _ = SITE.set(std::fs::canonicalize(d).map_err(|e| format!("--dir {d}: {e}"))?);
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if build {
        setup::run(setup::Scope::Test)?;
        // web/'s own `npm run build` builds the wasm flavours into web/pkg once it has a package.json.
        if !util::root().join("web/package.json").exists() {
            build_wasm()?;
        }
        for dir in ["web", "www"] {
            if util::root().join(dir).join("package.json").exists() {
                sh(cmd("npm", &["run", "build", "--if-present"])
                    .current_dir(util::root().join(dir)))?;
            }
        }
    }
    serve(port)
}

/// crates/wasm → web/pkg (ES module for `--target web`), when crates/wasm exists.
pub fn build_wasm() -> Res {
    let root = util::root();
    if !root.join("crates/wasm/Cargo.toml").exists() {
        println!("no crates/wasm yet: skipping the wasm package build");
        return Ok(());
    }
    sh(cmd(
        "cargo",
        &[
            "build",
            "--target",
            "wasm32-unknown-unknown",
            "--release",
            "-p",
            "webgrad-wasm",
        ],
    )
    .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", WASM_SIMD))?;
    let wasm = root.join("target/wasm32-unknown-unknown/release/webgrad_wasm.wasm");
    let out = root.join("web/pkg");
    sh(cmd("wasm-bindgen", &["--target", "web", "--out-dir"])
        .arg(&out)
        .arg(&wasm))
}

/// URL prefix → directory. `/pkg/` is the wasm package; everything else is the site.
fn mounts() -> Vec<(&'static str, PathBuf)> {
    let root = util::root();
    let dist = root.join("www/dist");
    // `--dir` overrides the site folder (www/dist when built, else www/).
    let site = match SITE.get() {
        Some(d) => d.clone(),
        None if dist.join("index.html").exists() => dist,
        None => root.join("www"),
    };
    vec![("/pkg/", root.join("web/pkg")), ("/", site)]
}

fn serve(port: u16) -> Res {
    let listener =
        TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("bind :{port}: {e}"))?;
    for (prefix, dir) in mounts() {
        println!("serving {prefix} from {}", dir.display());
    }
    println!("playground: http://127.0.0.1:{port}/  (Ctrl-C to stop)");
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = handle(stream);
        });
    }
    Ok(())
}

pub fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "wgsl" => "text/wgsl",
        "ts" => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Map a request path to a file inside one of the mounts, refusing `..` and absolute parts.
fn resolve(url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("/");
    for (prefix, dir) in mounts() {
        let Some(rel) = path.strip_prefix(prefix) else {
            continue;
        };
        let rel = Path::new(rel);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let mut p = dir.join(rel);
        if p.is_dir() {
            p = p.join("index.html");
        }
        return p.is_file().then_some(p);
    }
    None
}

/// Where to redirect a request for a folder without its trailing slash (`/docs` → `/docs/`): the
/// pages inside (the API reference) link relatively, so they only work from the slashed URL.
fn folder_redirect(url_path: &str, mounts: &[(&str, PathBuf)]) -> Option<String> {
    let path = url_path.split(['?', '#']).next().unwrap_or("/");
    if path.ends_with('/') {
        return None;
    }
    mounts.iter().find_map(|(prefix, dir)| {
        let rel = Path::new(path.strip_prefix(prefix)?);
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        (safe && dir.join(rel).is_dir()).then(|| format!("{path}/"))
    })
}

fn handle(mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if let Some(to) = folder_redirect(&percent_decode(target), &mounts()) {
        println!("{method} {target} -> 301 {to}");
        let head = format!("HTTP/1.1 301 Moved Permanently\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return stream.write_all(head.as_bytes());
    }
    let (status, ctype, body) = match (method, resolve(&percent_decode(target))) {
        ("GET" | "HEAD", Some(p)) => ("200 OK", mime(&p), std::fs::read(&p)?),
        ("GET" | "HEAD", None) => ("404 Not Found", "text/plain", b"not found\n".to_vec()),
        _ => (
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n".to_vec(),
        ),
    };
    println!("{method} {target} -> {status}");
    // Cross-origin isolation keeps SharedArrayBuffer (wasm threads) available later.
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nCross-Origin-Opener-Policy: same-origin\r\n\
         Cross-Origin-Embedder-Policy: require-corp\r\nX-Content-Type-Options: nosniff\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types() {
        assert_eq!(mime(Path::new("a/b.wasm")), "application/wasm");
        assert!(mime(Path::new("m.js")).starts_with("text/javascript"));
        assert!(mime(Path::new("index.html")).starts_with("text/html"));
    }

    #[test]
    fn decoding_and_traversal() {
        assert_eq!(percent_decode("/sp%20ace/%2e%2e"), "/sp ace/..");
        assert_eq!(percent_decode("/bad%zz%"), "/bad%zz%");
        assert_eq!(resolve("/../Cargo.toml"), None);
        assert_eq!(resolve("/pkg/../../Cargo.toml"), None);
    }

    #[test]
    fn a_folder_without_its_slash_is_redirected() {
        let dir = std::env::temp_dir().join(format!("webgrad-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("docs")).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        let mounts = [("/", dir.clone())];
        assert_eq!(super::folder_redirect("/docs", &mounts).as_deref(), Some("/docs/"));
        assert_eq!(super::folder_redirect("/docs?x=1", &mounts).as_deref(), Some("/docs/"));
        assert_eq!(super::folder_redirect("/docs/", &mounts), None);
        assert_eq!(super::folder_redirect("/index.html", &mounts), None);
        assert_eq!(super::folder_redirect("/missing", &mounts), None);
        assert_eq!(super::folder_redirect("/../docs", &mounts), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}