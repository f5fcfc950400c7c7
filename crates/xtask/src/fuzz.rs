//! `cargo xtask fuzz`: run every cargo-fuzz target (fuzz/fuzz_targets) for a while. The test
//! command runs each for a few seconds; long runs (`--runs 10000000`) are for people, outside it.
//! New inputs go to a scratch folder (the committed corpus is only read); a crash is saved under
//! fuzz/artifacts/<target>/ and fails the run.
use crate::util::{self, cmd, sh, Res};

/// The targets, as fuzz/Cargo.toml names them.
pub fn targets() -> Result<Vec<String>, String> {
    let manifest = std::fs::read_to_string(util::root().join("fuzz/Cargo.toml")).map_err(|e| format!("fuzz/Cargo.toml: {e}"))?;
    let names = manifest
        .split("[[bin]]")
        .skip(1)
        .filter_map(|b| b.lines().find_map(|l| l.trim().strip_prefix("name = ")))
        .map(|n| n.trim_matches('"').to_string())
        .collect::<Vec<_>>();
    if names.is_empty() {
        return Err("fuzz/Cargo.toml names no targets".into());
    }
    Ok(names)
}

pub struct Opts {
    pub seconds: u64,
    pub runs: Option<u64>,
    pub only: Vec<String>,
}

impl Opts {
    pub fn parse(args: &[String]) -> Result<Opts, String> {
        let mut o = Opts { seconds: 10, runs: None, only: vec![] };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut num = |what: &str| -> Result<u64, String> {
                it.next().and_then(|v| v.parse().ok()).ok_or_else(|| format!("xtask fuzz: {what} needs a number"))
            };
            match a.as_str() {
                "--seconds" => o.seconds = num("--seconds")?,
                "--runs" => o.runs = Some(num("--runs")?),
                t if !t.starts_with('-') => o.only.push(t.to_string()),
                other => return Err(format!("xtask fuzz: unknown option `{other}`")),
            }
        }
        Ok(o)
    }
}

pub fn run(o: &Opts) -> Res {
    let root = util::root();
    let all = targets()?;
    let chosen: Vec<&String> = all.iter().filter(|t| o.only.is_empty() || o.only.contains(t)).collect();
    sh(cmd("cargo", &["+nightly", "fuzz", "build"]).current_dir(&root))?;
    for t in chosen {
        let scratch = std::env::temp_dir().join(format!("webgrad-fuzz-{t}"));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
        let corpus = format!("fuzz/corpus/{t}");
        let limit = match o.runs {
            Some(n) => format!("-runs={n}"),
            None => format!("-max_total_time={}", o.seconds),
        };
        let scratch = scratch.to_string_lossy().into_owned();
        // The first folder receives new inputs; the committed corpus after it is only read.
        let args = ["+nightly", "fuzz", "run", t.as_str(), &scratch, &corpus, "--", &limit, "-rss_limit_mb=4096", "-print_final_stats=1"];
        sh(cmd("cargo", &args).current_dir(&root))?;
    }
    Ok(())
}
