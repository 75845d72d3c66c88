package render_test

import (
	"net/url"
	"strconv"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// pathEscape is how the renderer writes a Unicode path into href.
func pathEscape(p string) string { return (&url.URL{Path: p}).EscapedPath() }
