//! Small helpers: repo root, running commands with a printed command line, timing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub type Res = Result<(), String>;

/// The workspace root (this crate lives in `<root>/crates/xtask`).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .nth(2)
        .expect("crates/xtask has a grandparent")
        .to_path_buf()
}

pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root());
    c
}

fn describe(c: &Command) -> String {
    let mut s = String::new();
    for (k, v) in c.get_envs() {
        if let Some(v) = v {
            s.push_str(&format!("{}={} ", k.to_string_lossy(), v.to_string_lossy()));
        }
    }
    s.push_str(&c.get_program().to_string_lossy());
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Run `c` with inherited stdio; Err names the command if it fails.
pub fn sh(c: &mut Command) -> Res {
    let line = describe(c);
    println!("$ {line}");
    let status = c
        .status()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` exited with {status}"))
    }
}

/// Run `c` quietly and return its stdout if it succeeded.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether `program` can be started (found on PATH).
pub fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Times labelled stages and prints a summary.
pub struct Stages {
    start: Instant,
    done: Vec<(String, f64, bool)>,
}

impl Stages {
    pub fn new() -> Self {
        Stages {
            start: Instant::now(),
            done: Vec::new(),
        }
    }

    pub fn stage(&mut self, name: &str, f: impl FnOnce() -> Res) -> Res {
        println!("\n==> {name}");
        let t = Instant::now();
        let r = f();
        let secs = t.elapsed().as_secs_f64();
        self.done.push((name.to_string(), secs, r.is_ok()));
        println!(
            "==> {name}: {} in {secs:.1} s",
            if r.is_ok() { "ok" } else { "FAILED" }
        );
        r.map_err(|e| format!("stage `{name}`: {e}"))
    }

    pub fn summary(&self) {
        println!("\n---- timings ----");
        for (n, s, ok) in &self.done {
            println!(
                "{:>8.1} s  {}  {n}",
                s,
                if *ok { "ok    " } else { "FAILED" }
            );
        }
        println!("{:>8.1} s  total", self.start.elapsed().as_secs_f64());
    }
}
