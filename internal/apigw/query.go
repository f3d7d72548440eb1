package apigw

import (
	"fmt"
	"net/url"
	"strings"
)

// query is the query string read parameter by parameter: the pairs that
// decoded, and the names of those whose value did not, so a broken escape
// in a parameter the function does not read (utm_content=50%off) is
// ignored, and one in a parameter it reads is a 400 naming that parameter.
type query struct {
	values url.Values          // keys as sent; look them up with event.param
	broken map[string]struct{} // lower-case names whose value has a broken escape
}

// parseQuery splits a raw query string on '&' and decodes each pair on its
// own, as url.ParseQuery does but without giving up on the first bad one.
// A pair whose name does not decode can be no parameter the function reads
// (none of their names needs an escape), so it is dropped.
func parseQuery(raw string) query {
	q := query{values: url.Values{}, broken: map[string]struct{}{}}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			continue
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			q.broken[strings.ToLower(name)] = struct{}{}
			continue
		}
		q.values[name] = append(q.values[name], value)
	}
	return q
}

// param returns the values of a query parameter, its name matched
// case-insensitively as ServiceStack does. A value of that name that could
// not be decoded is a *RequestError naming the parameter.
func (ev event) param(name string) ([]string, error) {
	if _, bad := ev.Query.broken[strings.ToLower(name)]; bad {
		return nil, &RequestError{Param: name, Detail: fmt.Sprintf("The %s parameter could not be read: it holds a broken %%-escape.", name)}
	}
	var out []string
	for k, v := range ev.Query.values {
		if strings.EqualFold(k, name) {
			out = append(out, v...)
		}
	}
	return out, nil
}
