//! Files and folders written under a hidden name beside their target and renamed into place
//! when complete, so that nothing half-written ever carries the final name: the one way this
//! project writes what it makes (figures, boundaries, key figures, archives, sites, reports,
//! summaries).
//!
//! A file: [`WholeFile`] (streamed, or reserved for a writer that opens the path itself, such
//! as SQLite) and [`write_file_whole`] (bytes at once).
//!
//! Two kinds: [`StagedDir::new`] (`.NAME.partial-PID`, removed when dropped uncommitted: an
//! export that fails leaves nothing) and [`StagedDir::resumable`] (`.NAME.partial`, kept when
//! dropped uncommitted: a download that fails keeps what it has for the next run).

use std::path::{Path, PathBuf};

/// A file or folder operation that failed, with the path.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
#[non_exhaustive]
pub struct FolderError {
    /// The file or folder.
    pub path: PathBuf,
    /// The cause.
    #[source]
    pub source: std::io::Error,
}

/// Refuses a file or folder that exists unless `force` replaces it, with the message a staged
/// folder's commit gives.
///
/// # Errors
/// [`FolderError`] with [`std::io::ErrorKind::AlreadyExists`] naming `path`.
#[cfg(feature = "fetch")]
pub(crate) fn refuse_existing(path: &Path, force: bool) -> Result<(), FolderError> {
    if path.exists() && !force {
        return Err(already_exists(path));
    }
    Ok(())
}

/// `path` exists and `--force` was not given.
fn already_exists(path: &Path) -> FolderError {
    FolderError {
        path: path.to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "exists (use --force to replace it)",
        ),
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FolderError + '_ {
    move |source| FolderError {
        path: path.to_owned(),
        source,
    }
}

/// Writes a file whole or not at all: to a hidden `.NAME.tmp-PID` beside it first, then renamed
/// into place, so that a reader never sees half of it; its folder is made where missing.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("out.csv");
/// omzien::write_file_whole(&path, b"code\nGM9999\n")?;
/// assert_eq!(std::fs::read(&path)?, b"code\nGM9999\n");
/// assert_eq!(std::fs::read_dir(dir.path())?.count(), 1, "no temporary file is left");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`FolderError`] naming the file.
pub fn write_file_whole(path: &Path, bytes: &[u8]) -> Result<(), FolderError> {
    make_parent(path)?;
    WholeFile::write(path, bytes)
}

/// A file written under a hidden name beside its final one (`.NAME.tmp-PID`) and renamed into
/// place by [`WholeFile::commit`]; dropped uncommitted (an error, a panic, Ctrl-C), the hidden
/// file is removed and nothing carries the final name.
///
/// ```
/// use std::io::Write as _;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("figures.csv");
/// let mut f = omzien::WholeFile::create(&path)?;
/// writeln!(f, "code,value")?;
/// assert!(!path.exists(), "not under its name before the commit");
/// f.commit()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "code,value\n");
///
/// let failed = omzien::WholeFile::create(&dir.path().join("failed.csv"))?;
/// drop(failed);
/// assert_eq!(std::fs::read_dir(dir.path())?.count(), 1, "nothing left of the failed one");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct WholeFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
    done: bool,
}

impl WholeFile {
    /// Creates the hidden file beside `path` (in a folder that exists: none is made), to be
    /// written through this value.
    ///
    /// # Errors
    /// [`FolderError`] naming `path`, also when its folder does not exist.
    pub fn create(path: &Path) -> Result<Self, FolderError> {
        let mut f = Self::reserve(path);
        let file = std::fs::File::create(&f.tmp).map_err(io(path))?;
        f.file = Some(std::io::BufWriter::new(file));
        Ok(f)
    }

    /// Writes `bytes` whole or not at all into a folder that exists (none is made; see
    /// [`write_file_whole`] for one that makes it).
    ///
    /// # Errors
    /// [`FolderError`] naming `path`, also when its folder does not exist.
    pub fn write(path: &Path, bytes: &[u8]) -> Result<(), FolderError> {
        let mut f = Self::create(path)?;
        std::io::Write::write_all(&mut f, bytes).map_err(io(path))?;
        f.commit()
    }

    /// Reserves the hidden name beside `path` for a writer that opens a path itself (SQLite, an
    /// archive writer): it writes [`WholeFile::tmp_path`], then [`WholeFile::commit`] renames it.
    /// No folder is made.
    #[must_use]
    pub fn reserve(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            tmp: hidden(path, &format!("tmp-{}", std::process::id())),
            file: None,
            done: false,
        }
    }

    /// The final name.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The hidden name written until the commit.
    #[must_use]
    pub fn tmp_path(&self) -> &Path {
        &self.tmp
    }

    /// Flushes the file to disk and renames it into place.
    ///
    /// # Errors
    /// [`FolderError`] naming the final path (the hidden file is then removed).
    pub fn commit(mut self) -> Result<(), FolderError> {
        if let Some(w) = self.file.take() {
            let file = w.into_inner().map_err(|e| io(&self.path)(e.into_error()))?;
            file.sync_all().map_err(io(&self.path))?;
        }
        std::fs::rename(&self.tmp, &self.path).map_err(io(&self.path))?;
        self.done = true;
        Ok(())
    }
}

impl std::io::Write for WholeFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other(
                "a reserved WholeFile is written through its tmp_path",
            )),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), std::io::Write::flush)
    }
}

impl Drop for WholeFile {
    fn drop(&mut self) {
        if !self.done {
            self.file = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A hidden folder beside `target`, renamed to `target` by [`StagedDir::commit`].
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    dir: PathBuf,
    keep: bool,
    done: bool,
}

impl StagedDir {
    /// Makes the hidden folder `.NAME.partial-PID` beside `target`, removed when dropped
    /// uncommitted.
    ///
    /// # Errors
    /// [`FolderError`] when the folder cannot be made.
    pub fn new(target: &Path) -> Result<Self, FolderError> {
        make_parent(target)?;
        let dir = hidden(target, &format!("partial-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
        }
        std::fs::create_dir(&dir).map_err(io(&dir))?;
        Ok(Self {
            target: target.to_owned(),
            dir,
            keep: false,
            done: false,
        })
    }

    /// Opens (or makes) the hidden folder `.NAME.partial` beside `target`, kept when dropped
    /// uncommitted so that the next run can take up where this one stopped.
    ///
    /// # Errors
    /// [`FolderError`] when the folder cannot be made.
    pub fn resumable(target: &Path) -> Result<Self, FolderError> {
        make_parent(target)?;
        let dir = hidden(target, "partial");
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(Self {
            target: target.to_owned(),
            dir,
            keep: true,
            done: false,
        })
    }

    /// The hidden folder.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The final name.
    #[must_use]
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The path of `rel` (with `/` between folders) in the hidden folder, its folder made.
    ///
    /// # Errors
    /// [`FolderError`] naming the folder.
    pub fn file(&self, rel: &str) -> Result<PathBuf, FolderError> {
        let path = rel
            .split('/')
            .fold(self.dir.clone(), |p, part| p.join(part));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        Ok(path)
    }

    /// Writes a file at `rel` (with `/` between folders) in the hidden folder.
    ///
    /// # Errors
    /// [`FolderError`] naming the file.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), FolderError> {
        let path = self.file(rel)?;
        std::fs::write(&path, bytes).map_err(io(&path))
    }

    /// Writes a file at `rel` whole or not at all ([`write_file_whole`]).
    ///
    /// # Errors
    /// [`FolderError`] naming the file.
    pub fn write_whole(&self, rel: &str, bytes: &[u8]) -> Result<PathBuf, FolderError> {
        let path = self.file(rel)?;
        write_file_whole(&path, bytes)?;
        Ok(path)
    }

    /// Renames the folder into place; with `force`, a folder already there is replaced (moved
    /// aside first, removed after).
    ///
    /// # Errors
    /// [`FolderError`] with [`std::io::ErrorKind::AlreadyExists`] when the target exists and
    /// `force` is not given; [`FolderError`] when a rename fails.
    pub fn commit(mut self, force: bool) -> Result<PathBuf, FolderError> {
        let old = self
            .dir
            .with_extension(format!("old-{}", std::process::id()));
        let replaced = if self.target.exists() {
            if !force {
                return Err(already_exists(&self.target));
            }
            std::fs::rename(&self.target, &old).map_err(io(&self.target))?;
            true
        } else {
            false
        };
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if replaced {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(io(&self.target)(e));
        }
        self.done = true;
        if replaced {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(self.target.clone())
    }
}

/// The folder `target` goes in (`.` for a bare name).
fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Makes the folder `target` goes in.
fn make_parent(target: &Path) -> Result<(), FolderError> {
    let parent = parent_of(target);
    std::fs::create_dir_all(&parent).map_err(io(&parent))
}

/// `.NAME.SUFFIX` beside `target`.
fn hidden(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "..")
        .unwrap_or_else(|| "out".into());
    parent_of(target).join(format!(".{name}.{suffix}"))
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.done && !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code
    use super::*;

    #[test]
    fn dropped_uncommitted_is_removed_or_kept_by_kind() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let s = StagedDir::new(&target).unwrap();
        let p = s.path().to_owned();
        s.write("a/b.txt", b"x").unwrap();
        drop(s);
        assert!(!p.exists() && !target.exists());

        let s = StagedDir::resumable(&target).unwrap();
        let p = s.path().to_owned();
        s.write_whole("pages/1.json", b"{}").unwrap();
        drop(s);
        assert!(p.join("pages/1.json").exists() && !target.exists());
        let s = StagedDir::resumable(&target).unwrap();
        assert_eq!(s.path(), p);
        s.commit(false).unwrap();
        assert!(target.join("pages/1.json").exists() && !p.exists());

        let s = StagedDir::new(&target).unwrap();
        let e = s.commit(false).unwrap_err();
        assert_eq!(e.source.kind(), std::io::ErrorKind::AlreadyExists);
    }
}
