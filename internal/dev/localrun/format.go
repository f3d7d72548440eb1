package localrun

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
)

// FormatAnswer writes a readable form of a: the status line, the headers in
// name order (cookies as Set-Cookie), a blank line and the body, indented
// when it is JSON.
func FormatAnswer(w io.Writer, a Answer) {
	fmt.Fprintf(w, "HTTP %d %s\n", a.Status, http.StatusText(a.Status))
	for _, k := range slices.Sorted(maps.Keys(a.Headers)) {
		for _, v := range a.Headers[k] {
			fmt.Fprintf(w, "%s: %s\n", k, v)
		}
	}
	for _, c := range a.Cookies {
		fmt.Fprintf(w, "Set-Cookie: %s\n", c)
	}
	fmt.Fprintln(w)
	if a.Body == "" {
		return
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, []byte(a.Body), "", "  ") == nil {
		fmt.Fprintln(w, pretty.String())
		return
	}
	fmt.Fprintln(w, a.Body)
}
