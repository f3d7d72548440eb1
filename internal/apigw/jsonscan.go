package apigw

import (
	"bytes"
	"encoding/json"
	"strings"
)

// null reads a null at i, if there is one.
func (s *scanner) null() bool {
	if bytes.HasPrefix(s.b[s.i:], []byte("null")) {
		s.i += len("null")
		return true
	}
	return false
}

// scanner reads JSON from b at i.
type scanner struct {
	b []byte
	i int
}

// maxDepth is how deep fastDecode follows a value it skips.
const maxDepth = 32

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next returns the byte at i after whitespace, 0 at the end.
func (s *scanner) next() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// object reads an object, handing each key (without escapes) to field,
// which reads the value.
func (s *scanner) object(field func(key []byte) bool) bool {
	if s.next() != '{' {
		return false
	}
	s.i++
	if s.next() == '}' {
		s.i++
		return true
	}
	for {
		key, esc, ok := s.rawString()
		if !ok || esc || s.next() != ':' {
			return false
		}
		s.i++
		s.ws()
		if !field(key) {
			return false
		}
		switch s.next() {
		case ',':
			s.i++
			s.ws()
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// rawString reads a string at i and returns its bytes between the
// quotes, whether they hold an escape, and whether it is one fastDecode
// reads: printable ASCII, escapes other than \u.
func (s *scanner) rawString() (raw []byte, esc, ok bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false, false
	}
	start := s.i + 1
	for i := start; i < len(s.b); i++ {
		switch c := s.b[i]; {
		case c == '"':
			s.i = i + 1
			return s.b[start:i], esc, true
		case c < 0x20 || c > 0x7e:
			return nil, false, false
		case c == '\\':
			if i+1 >= len(s.b) || strings.IndexByte(`"\/bfnrt`, s.b[i+1]) < 0 {
				return nil, false, false
			}
			esc = true
			i++
		}
	}
	return nil, false, false
}

// str reads a string value.
func (s *scanner) str() (string, bool) {
	raw, esc, ok := s.rawString()
	if !ok {
		return "", false
	}
	if !esc {
		return string(raw), true
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\\' {
			i++
			c = unescape(raw[i])
		}
		out = append(out, c)
	}
	return string(out), true
}

// unescape is the byte a one-letter escape stands for.
func unescape(c byte) byte {
	switch c {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c // " \ /
}

// strs reads an array of strings, and returns it if keep is set.
func (s *scanner) strs(keep bool) ([]string, bool) {
	if s.next() != '[' {
		return nil, false
	}
	s.i++
	var out []string
	if keep {
		out = []string{}
	}
	if s.next() == ']' {
		s.i++
		return out, true
	}
	for {
		s.ws()
		if !keep {
			if _, _, ok := s.rawString(); !ok {
				return nil, false
			}
		} else if v, ok := s.str(); ok {
			out = append(out, v)
		} else {
			return nil, false
		}
		switch s.next() {
		case ',':
			s.i++
		case ']':
			s.i++
			return out, true
		default:
			return nil, false
		}
	}
}

// raw reads a value as json.RawMessage does. An object with only
// whitespace inside is given up: whether encoding/json keeps that
// whitespace matters to hasAuthorizer.
func (s *scanner) raw() (json.RawMessage, bool) {
	start := s.i
	if !s.skip(0) {
		return nil, false
	}
	v := s.b[start:s.i]
	if v[0] == '{' && v[len(v)-1] == '}' && len(v) > 2 && strings.TrimSpace(string(v[1:len(v)-1])) == "" {
		return nil, false
	}
	return json.RawMessage(v), true
}

// skip reads past one value, checking its syntax.
func (s *scanner) skip(depth int) bool {
	if depth > maxDepth || s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		_, _, ok := s.rawString()
		return ok
	case c == '{':
		return s.object(func([]byte) bool { return s.skip(depth + 1) })
	case c == '[':
		s.i++
		if s.next() == ']' {
			s.i++
			return true
		}
		for {
			s.ws()
			if !s.skip(depth + 1) {
				return false
			}
			switch s.next() {
			case ',':
				s.i++
			case ']':
				s.i++
				return true
			default:
				return false
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	}
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
			s.i += len(lit)
			return true
		}
	}
	return false
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *scanner) number() bool {
	if s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.digits() == 0:
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}
