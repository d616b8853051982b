package presets

import "strings"

// IsPath reports whether Load reads nameOrPath from the file system (it
// contains a path separator or ends in .toml) rather than naming a built-in
// preset.
func IsPath(nameOrPath string) bool {
	return strings.ContainsAny(nameOrPath, "/\\") || strings.HasSuffix(nameOrPath, ".toml")
}
