package apigw

// fastDecode reads the common shape of an event into p without reflection,
// and reports whether it could. It gives up (false, p left partly filled)
// on anything encoding/json might read differently or refuse: a byte
// outside printable ASCII, a \u escape, null or another type where p
// wants a string, array or object, a field or map key sent twice, a key
// that matches a field only case-insensitively, deep nesting, or any
// syntax error. decode then reads the event with encoding/json, so the
// result is the same either way. Of the header maps it keeps only the
// headers readHeader names (lowerKeys drops the others), and counts the
// multi-value ones in p.multiHeaders.
func fastDecode(b []byte, p *payload) bool {
	s := scanner{b: b}
	s.ws()
	var seen uint16
	ok := s.object(func(key []byte) bool {
		f, known := topFields[string(key)]
		if !known {
			return !foldsTo(key, topFieldNames) && s.skip(0)
		}
		if seen&f != 0 {
			return false
		}
		seen |= f
		return s.topField(f, p)
	})
	s.ws()
	return ok && s.i == len(s.b)
}

// The top-level fields of payload, as bits of a set.
const (
	fVersion uint16 = 1 << iota
	fHTTPMethod
	fRawQuery
	fCookies
	fHeaders
	fMultiHeaders
	fQuery
	fMultiQuery
	fContext
)

var topFields = map[string]uint16{
	"version": fVersion, "httpMethod": fHTTPMethod, "rawQueryString": fRawQuery, "cookies": fCookies,
	"headers": fHeaders, "multiValueHeaders": fMultiHeaders, "queryStringParameters": fQuery,
	"multiValueQueryStringParameters": fMultiQuery, "requestContext": fContext,
}

var (
	topFieldNames     = []string{"version", "httpMethod", "rawQueryString", "cookies", "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters", "requestContext"}
	contextFieldNames = []string{"requestId", "authorizer", "elb", "http", "identity"}
)

// foldsTo reports whether key could name one of the fields for
// encoding/json, which matches names case-insensitively: fastDecode gives
// those up. '_' and '-' in key are passed over too, to be safe.
func foldsTo(key []byte, names []string) bool {
	for _, n := range names {
		if foldEq(key, n) {
			return true
		}
	}
	return false
}

// foldEq compares ASCII key with name case-insensitively, passing over
// '_' and '-' in key.
func foldEq(key []byte, name string) bool {
	j := 0
	for _, c := range key {
		if c == '_' || c == '-' {
			continue
		}
		if j >= len(name) || lower(c) != lower(name[j]) {
			return false
		}
		j++
	}
	return j == len(name)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// readHeaderKey is readHeader for an ASCII key in any case.
func readHeaderKey(key []byte) bool {
	var buf [len("authorization")]byte
	if len(key) > len(buf) {
		return false
	}
	for i, c := range key {
		buf[i] = lower(c)
	}
	return readHeader(string(buf[:len(key)]))
}

// topField reads the value of field f into p. A null leaves the field at
// its zero value, as encoding/json does for a field it meets once.
func (s *scanner) topField(f uint16, p *payload) bool {
	if s.null() {
		return true
	}
	var ok bool
	switch f {
	case fVersion:
		p.Version, ok = s.str()
	case fHTTPMethod:
		p.HTTPMethod, ok = s.str()
	case fRawQuery:
		p.RawQueryString, ok = s.str()
	case fCookies:
		p.Cookies, ok = s.strs(true)
	case fHeaders:
		p.Headers = map[string]string{}
		ok = s.object(func(key []byte) bool { return s.header(p.Headers, key) })
	case fMultiHeaders:
		p.MultiValueHeaders = map[string][]string{}
		ok = s.object(func(key []byte) bool {
			p.multiHeaders++
			if !readHeaderKey(key) {
				_, ok := s.strs(false)
				return ok
			}
			v, ok := s.strs(true)
			if !ok {
				return false
			}
			if _, dup := p.MultiValueHeaders[string(key)]; dup {
				return false
			}
			p.MultiValueHeaders[string(key)] = v
			return true
		})
	case fQuery:
		p.QueryStringParameters = map[string]string{}
		ok = s.object(func(key []byte) bool {
			v, ok := s.str()
			if _, dup := p.QueryStringParameters[string(key)]; dup || !ok {
				return false
			}
			p.QueryStringParameters[string(key)] = v
			return true
		})
	case fMultiQuery:
		p.MultiValueQuery = map[string][]string{}
		ok = s.object(func(key []byte) bool {
			v, ok := s.strs(true)
			if _, dup := p.MultiValueQuery[string(key)]; dup || !ok {
				return false
			}
			p.MultiValueQuery[string(key)] = v
			return true
		})
	case fContext:
		ok = s.requestContext(p)
	}
	return ok
}

// header reads a single-value header into m if readHeader names it; the
// others are read and checked, and dropped.
func (s *scanner) header(m map[string]string, key []byte) bool {
	if !readHeaderKey(key) {
		// A repeated unread name would be the same (dropped) either way.
		_, _, ok := s.rawString()
		return ok
	}
	v, ok := s.str()
	if _, dup := m[string(key)]; dup || !ok {
		return false
	}
	m[string(key)] = v
	return true
}

func (s *scanner) requestContext(p *payload) bool {
	var seen uint8
	once := func(bit uint8) bool {
		dup := seen&bit != 0
		seen |= bit
		return !dup
	}
	return s.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "requestId":
			if !once(1) {
				return false
			}
			if s.null() {
				return true
			}
			p.RequestContext.RequestID, ok = s.str()
		case "authorizer":
			if !once(2) {
				return false
			}
			p.RequestContext.Authorizer, ok = s.raw()
		case "elb":
			if !once(4) {
				return false
			}
			p.RequestContext.ELB, ok = s.raw()
		case "http":
			if !once(8) {
				return false
			}
			ok = s.stringFields([]string{"method", "sourceIp"}, &p.RequestContext.HTTP.Method, &p.RequestContext.HTTP.SourceIP)
		case "identity":
			if !once(16) {
				return false
			}
			ok = s.stringFields([]string{"sourceIp"}, &p.RequestContext.Identity.SourceIP)
		default:
			ok = !foldsTo(key, contextFieldNames) && s.skip(0)
		}
		return ok
	})
}

// stringFields reads an object (or null) of which only the string fields names
// are kept, each into its dst; any other field that could name one for
// encoding/json gives up.
func (s *scanner) stringFields(names []string, dst ...*string) bool {
	if s.null() {
		return true
	}
	var seen uint8
	return s.object(func(key []byte) bool {
		for i, n := range names {
			if string(key) != n {
				continue
			}
			if seen&(1<<i) != 0 {
				return false
			}
			seen |= 1 << i
			if s.null() {
				return true
			}
			var ok bool
			*dst[i], ok = s.str()
			return ok
		}
		return !foldsTo(key, names) && s.skip(0)
	})
}
