//! Refuses relative paths that could leave their root directory.
//!
//! Object keys, prefixes and partition values are joined under a root; a component of `..`, an
//! absolute path, a NUL byte or a backslash would let data choose where it lands.

/// Why a relative path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathRejection {
    #[error("path is empty")]
    Empty,
    #[error("path is absolute")]
    Absolute,
    #[error("path contains a NUL byte")]
    Nul,
    #[error("path contains a backslash")]
    Backslash,
    #[error("path contains a '..' or '.' component")]
    DotComponent,
}

/// Checks that `relative` stays below whatever root it is joined to.
pub fn check_relative_path(relative: &str) -> Result<(), PathRejection> {
    if relative.is_empty() {
        return Err(PathRejection::Empty);
    }
    if relative.starts_with('/') {
        return Err(PathRejection::Absolute);
    }
    if relative.contains('\0') {
        return Err(PathRejection::Nul);
    }
    if relative.contains('\\') {
        return Err(PathRejection::Backslash);
    }
    if relative
        .split('/')
        .any(|component| component == ".." || component == ".")
    {
        return Err(PathRejection::DotComponent);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes() {
        assert!(check_relative_path("a/b/c.gz").is_ok());
        assert_eq!(check_relative_path("../x"), Err(PathRejection::DotComponent));
        assert_eq!(check_relative_path("a/../../x"), Err(PathRejection::DotComponent));
        assert_eq!(check_relative_path("/etc/passwd"), Err(PathRejection::Absolute));
        assert_eq!(check_relative_path("a\0b"), Err(PathRejection::Nul));
        assert_eq!(check_relative_path("a\\..\\b"), Err(PathRejection::Backslash));
    }
}
