//! The daemon's stat of a path in a container (the `X-Docker-Container-Path-Stat`
//! header of `HEAD .../archive`): Go's `os.FileMode` bits and the link target it
//! resolved.

use crate::model::PathStat;

/// Go's `os.ModeDir`.
const GO_MODE_DIR: u32 = 1 << 31;
/// Go's `os.ModeSymlink`.
const GO_MODE_SYMLINK: u32 = 1 << 27;

pub fn path_stat(go_mode: u32, size: i64, link_target: &str) -> PathStat {
    let is_link = go_mode & GO_MODE_SYMLINK != 0;
    PathStat {
        is_dir: go_mode & GO_MODE_DIR != 0,
        size: size.max(0) as u64,
        link_target: (is_link && !link_target.is_empty()).then(|| link_target.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_as_the_daemon_sends_them() {
        // Measured: `/bin/sh` in the busybox test image, and `/etc`.
        let sh = path_stat(134218239, 7, "/bin/busybox");
        assert_eq!(sh, PathStat { is_dir: false, size: 7, link_target: Some("/bin/busybox".into()) });
        let etc = path_stat(2147484141, 4096, "/etc");
        assert!(etc.is_dir && etc.link_target.is_none());
    }
}
