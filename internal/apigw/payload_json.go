package apigw

import (
	"slices"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
)

// AppendPayloadJSON appends the JSON of an answer's payload, byte for byte
// as encoding/json writes it without HTML escaping (fields in struct
// order, map keys sorted), and reports whether it could: only the API
// Gateway response types are written here, and only when every string is
// printable ASCII, so that escaping is just \" and \\. For anything else
// it returns b unchanged and false, and the caller uses encoding/json.
func AppendPayloadJSON(b []byte, payload any) ([]byte, bool) {
	start := len(b)
	var ok bool
	switch p := payload.(type) {
	case events.APIGatewayV2HTTPResponse:
		b, ok = appendResponse(b, p.StatusCode, p.Headers, p.MultiValueHeaders, p.Body, p.IsBase64Encoded)
		if ok {
			b = append(b[:len(b)-1], `,"cookies":`...)
			b, ok = appendStrings(b, p.Cookies)
			b = append(b, '}')
		}
	case events.APIGatewayProxyResponse:
		b, ok = appendResponse(b, p.StatusCode, p.Headers, p.MultiValueHeaders, p.Body, p.IsBase64Encoded)
	}
	if !ok {
		return b[:start], false
	}
	return b, true
}

// appendResponse writes the fields both response types share, as one
// object.
func appendResponse(b []byte, status int, headers map[string]string, multi map[string][]string, body string, base64 bool) ([]byte, bool) {
	ok := true
	b = append(b, `{"statusCode":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"headers":`...)
	if headers == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		var buf [16]string
		for i, k := range sortedKeys(buf[:0], headers) {
			if i > 0 {
				b = append(b, ',')
			}
			b, ok = appendPair(b, k, ok)
			b, ok = appendString(b, headers[k], ok)
		}
		b = append(b, '}')
	}
	b = append(b, `,"multiValueHeaders":`...)
	if multi == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		var buf [16]string
		for i, k := range sortedKeys(buf[:0], multi) {
			if i > 0 {
				b = append(b, ',')
			}
			b, ok = appendPair(b, k, ok)
			var vok bool
			b, vok = appendStrings(b, multi[k])
			ok = ok && vok
		}
		b = append(b, '}')
	}
	b = append(b, `,"body":`...)
	b, ok = appendString(b, body, ok)
	if base64 {
		b = append(b, `,"isBase64Encoded":true`...)
	}
	return append(b, '}'), ok
}

// sortedKeys appends the keys of m to keys, sorted as encoding/json
// sorts them (byte order).
func sortedKeys[V any](keys []string, m map[string]V) []string {
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendPair writes an object key and its colon.
func appendPair(b []byte, k string, ok bool) ([]byte, bool) {
	b, ok = appendString(b, k, ok)
	return append(b, ':'), ok
}

// appendStrings writes a string array, null for a nil slice.
func appendStrings(b []byte, vs []string) ([]byte, bool) {
	if vs == nil {
		return append(b, "null"...), true
	}
	ok := true
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b, ok = appendString(b, v, ok)
	}
	return append(b, ']'), ok
}

// appendString writes s quoted, escaping only " and \. ok turns false
// (and stays false) when s holds a byte outside printable ASCII, whose
// escaping is left to encoding/json.
func appendString(b []byte, s string, ok bool) ([]byte, bool) {
	b = append(b, '"')
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 || c > 0x7e:
			ok = false
		case c == '"' || c == '\\':
			b = append(b, s[last:i]...)
			b = append(b, '\\', c)
			last = i + 1
		}
	}
	b = append(b, s[last:]...)
	return append(b, '"'), ok
}
