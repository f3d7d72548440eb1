package apigw

import (
	"strconv"
	"strings"
)

// wantsJSON reports whether the caller asked for the JSON answer: with
// format=json, or with an Accept header that prefers application/json over
// text/html. Accept */* or no Accept is no preference (a redirect).
func wantsJSON(ev event) (bool, error) {
	format, err := singleParam(ev, "format")
	switch {
	case err != nil:
		return false, err
	case strings.ToLower(format) == "json":
		return true, nil
	case format != "":
		return false, &RequestError{Param: "format", Detail: "format must be json when given."}
	}
	accept, _ := ev.Header("accept")
	qj, sj := quality(accept, "application", "json")
	qh, sh := quality(accept, "text", "html")
	// On equal weight the more specific range wins: "application/json, */*"
	// (as axios sends) names JSON and only allows HTML.
	return qj > qh || (qj == qh && qj > 0 && sj > sh), nil
}

// quality is the q-value Accept gives a media type, taken from the most
// specific range that matches it (RFC 9110, 12.5.1), and that specificity
// (2 exact, 1 type/*, 0 */*, -1 no match).
func quality(accept, typ, sub string) (float64, int) {
	best, q := -1, 0.0
	for part := range strings.SplitSeq(accept, ",") {
		rawRange, params, _ := strings.Cut(part, ";")
		rng := strings.ToLower(strings.TrimSpace(rawRange))
		rt, rs, _ := strings.Cut(rng, "/")
		spec := -1
		switch {
		case rt == typ && rs == sub:
			spec = 2
		case rt == typ && rs == "*":
			spec = 1
		case rt == "*" && rs == "*":
			spec = 0
		}
		if spec <= best {
			continue
		}
		best, q = spec, 1
		// No parameters: one empty one, which names no q.
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
	}
	return q, best
}
