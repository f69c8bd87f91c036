//! The command line as a whole: help, version, errors and exit codes.

use crate::util::{Workdir, stderr, stdout};

#[test]
fn version_and_help() {
    let wd = Workdir::new();
    let out = wd.run(&["--version"]);
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("tarjama "));
    let out = wd.run(&["--help"]);
    assert!(stdout(&out).contains("Example:"));
}

#[test]
fn usage_error_exits_2() {
    let out = Workdir::new().run(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn invalid_utf8_is_one_clear_line_and_exit_2() {
    let wd = Workdir::new();
    wd.write("bad.txt", b"abc\xff");
    let out = wd.run(&["split", "bad.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("tarjama: error: bad.txt: invalid UTF-8 at byte 3"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn binary_input_is_refused() {
    let wd = Workdir::new();
    wd.write("bin.dat", b"ab\0cd");
    let out = wd.run(&["split", "bin.dat"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("looks like a binary file"));
}

#[test]
fn empty_input_gives_no_sentences() {
    let out = Workdir::new().run_with_stdin(&["split", "-"], b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    use std::io::Read;
    let wd = Workdir::new();
    let big = "جملة قصيرة للاختبار. ".repeat(200_000);
    wd.write("big.txt", big);
    let mut child = wd
        .command(&["split", "big.txt"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as with `| head`
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}

#[test]
fn ctrl_c_exits_130() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    let wd = Workdir::new();
    let before = entries(&wd);
    // `split -` reads standard input to its end before it writes anything. The test holds the
    // write end of that pipe open until the child has exited, so the child cannot finish its
    // work and exit 0 in the window between the signal and its handling, however slow the
    // machine: only the signal can end it.
    let mut child = wd
        .command(&["split", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // The child is running and reading once the first part of its input is consumed.
    input
        .write_all("جملة أولى لم تنته بعد، ".as_bytes())
        .unwrap();
    input.flush().unwrap();
    // Signal only once SIGINT is caught by a handler: before that, SIGINT's default action would kill the child (no exit code 130),
    // and a loaded machine can take more than a second to get there. /proc status masks are
    // hex; SIGINT is bit 1.
    let handles_sigint = |pid: u32| -> bool {
        let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
            return false;
        };
        // Only a caught signal counts: a blocked mask can be the spawn's own, before `exec`.
        status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .is_some_and(|mask| mask & (1 << 1) != 0)
    };
    let start = Instant::now();
    while !handles_sigint(child.id()) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the child never installed a SIGINT handler"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    // Wait with the input still open (`Child::wait` would close it first and let the child
    // reach the end of its input).
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the child did not stop on SIGINT");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    drop(input);
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(entries(&wd), before, "no file left behind");
}

/// The names in the working folder (the binary's config folder aside).
fn entries(wd: &Workdir) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(wd.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".xdg-config")
        .collect();
    names.sort();
    names
}
