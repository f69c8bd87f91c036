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
    let wd = Workdir::new();
    // `split -` waits for standard input, which stays open: the process is mid-run.
    let mut child = wd
        .command(&["split", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Send the signal only once the handler is installed (a loaded machine can take more than
    // a second to get there): SIGINT is bit 1 of the caught-signals mask in /proc.
    let caught = |pid: u32| -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|status| {
                let mask = status.lines().find_map(|l| l.strip_prefix("SigCgt:"))?;
                u64::from_str_radix(mask.trim(), 16).ok()
            })
            .is_some_and(|mask| mask & (1 << 1) != 0)
    };
    let start = std::time::Instant::now();
    while !caught(child.id()) && start.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
}
