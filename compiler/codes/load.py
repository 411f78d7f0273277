"""Codes of the loader: reading files, YAML structure, includes and environments."""

from mlopsc.codes import Code

CODES = (
    Code("E101", "spec file too large",
         "The file is larger than the loader accepts. Very large specs are usually generated "
         "by mistake or are an attempt to exhaust memory.",
         "split the spec with `include:` or raise the limit with --max-bytes"),
    Code("E102", "spec file is not UTF-8",
         "mlopsc reads specs as UTF-8 text. The file holds bytes that are not valid UTF-8.",
         "re-save the file as UTF-8"),
    Code("E103", "spec file is empty",
         "The file holds no YAML document (only whitespace or comments).",
         "start from examples/minimal/mlops.yaml"),
    Code("E104", "YAML syntax error",
         "The YAML parser could not read the file at the given position.",
         "check indentation and quoting near the position shown"),
    Code("E105", "duplicate key",
         "A mapping holds the same key twice. Many YAML readers silently keep the last value; "
         "mlopsc refuses, because the first one is then silently lost.",
         "remove or rename one of the two keys"),
    Code("E106", "alias expansion too large",
         "Anchors and aliases would expand into more nodes (100,000) or more bytes of "
         "scalars (16 MiB) than the loader allows (a 'billion laughs' document).",
         "write the values out, or use fewer nested aliases"),
    Code("E107", "mapping key is not a string",
         "Every key in a spec must be a string. Unquoted keys like `on`, `yes`, `1` or `null` "
         "are read as other types by some YAML readers.",
         "quote the key"),
    Code("E108", "nesting too deep",
         "The document nests mappings and sequences deeper than the loader allows.",
         "flatten the structure"),
    Code("E109", "unsupported YAML tag",
         "Only the standard tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are "
         "accepted; other tags could construct objects or change meaning between tools.",
         "remove the tag"),
    Code("E110", "included file not found",
         "A file named in `include:` cannot be read.",
         "paths in `include:` are relative to the including file"),
    Code("E111", "include cycle",
         "Files include each other in a cycle.",
         "remove one of the includes"),
    Code("E112", "defined in two files",
         "An entry of a section is defined both in an included file and elsewhere.",
         "keep one definition; use `environments.<name>.overrides` to change values"),
    Code("E113", "document is not a mapping",
         "A spec file must hold one YAML mapping with `apiVersion` and the sections.",
         "start from examples/minimal/mlops.yaml"),
    Code("E114", "unknown environment",
         "The environment given on the command line is not declared in `environments:`.",
         "declare it under `environments:` or pick one that is (`--env NAME`)"),
    Code("E115", "more than one YAML document",
         "A spec file holds exactly one YAML document; `---` separators are not allowed.",
         "join the documents, or split them into files joined with `include:`"),
    Code("E116", "recursive alias",
         "An alias refers to a node that contains it, which would expand forever.",
         "write the value out"),
    Code("E117", "absolute path",
         "A spec may read only files under its root (the git work tree of the root spec, or "
         "--root). An absolute path in `include:` or `governance.policies` could name any "
         "file of the machine that runs mlopsc, so it is refused without being read.",
         "give the path relative to the including file"),
    Code("E118", "path leaves the spec root",
         "The path climbs out of the spec root with `..`. A spec may read only files under "
         "its root (the git work tree of the root spec, or --root); the file is not read.",
         "keep included files inside the repository, or pass --root"),
    Code("E119", "symlink leaves the spec root",
         "The path is inside the spec root, but it is (or goes through) a symbolic link "
         "whose target is outside. mlopsc resolves every path to its real path and reads "
         "only files whose real path is under the root; the target is not read.",
         "copy the file into the repository instead of linking to it"),
    Code("E120", "not a regular file",
         "The path names a FIFO, a device, a socket, a directory or a kernel file "
         "(/proc, /sys, /dev). Reading one could block forever or publish what it holds, "
         "so mlopsc refuses it without reading.",
         "name a regular file"),
    Code("E121", "number out of range",
         "An integer literal beyond 64 bits (below -2^63 or from 2^64 on), or a float literal "
         "too large for a 64-bit float (such as 1e400), cannot be carried by the JSON, Go and "
         "Rust tools that read mlopsc's outputs.",
         "use a smaller number, or quote it if it is meant as text"),
    Code("E122", "ignored by git",
         "The file lies in a git work tree and git ignores it (by `.gitignore`, "
         "`.git/info/exclude` or the global excludes file) and does not track it: a file "
         "no commit holds, such as secrets decrypted or a `.env` written by an earlier CI "
         "step. A spec may read it neither as an include nor as a policy file, so its "
         "content can never be quoted in a finding. Untracked files that git does not "
         "ignore (a new include before `git add`) are read.",
         "commit the file, or `git add` it (a tracked file is never ignored)"),
    Code("E123", "path inside the .git folder",
         "The path, as written or once symlinks are resolved, has a `.git` component: git's "
         "own metadata (config with remote URLs and credentials, hooks, objects) is never "
         "spec input.",
         "name a file of the work tree"),
    Code("E124", "control character in a path",
         "An include or policy path holds a control character (NUL, a line break, "
         "U+0000-U+001F, U+007F-U+009F) or a lone surrogate. No file name in a "
         "repository needs one, and most cannot be passed to the operating system.",
         "write the path without control characters"),
    Code("E125", "too many or too long include paths",
         "A spec (the root and every included file together) may name at most 1,000 "
         "include entries, and each include or policy path may be at most 1,024 "
         "characters long. Resolving a path costs one system call per component, so "
         "without these bounds a small spec could keep mlopsc busy for minutes.",
         "join included files, or shorten the path"),
    Code("E126", "cannot ask git whether a file is ignored",
         "The spec root lies in a git work tree, so every include and policy file must be "
         "a file git does not ignore (see E122). git could not answer (it is not "
         "installed, it refused the repository, e.g. for dubious ownership, or it failed), "
         "and mlopsc refuses the file rather than risk reading a secret.",
         "install git, or mark the checkout safe: "
         "`git config --global --add safe.directory DIR`"),
)
