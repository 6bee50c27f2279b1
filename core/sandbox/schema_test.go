package sandbox

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oklog/ulid/v2"
)

// schemaValidator checks JSON values against the Swagger 2.0 schema subset
// the IO spec uses: $ref, allOf (with x-one-of meaning "one of"), type,
// required, properties, additionalProperties, items, enum and
// x-extensible-enum (strict: the sandbox must only emit known values),
// pattern, minLength/maxLength, minimum/maximum (+exclusive) and the
// formats of the spec.
type schemaValidator struct {
	defs map[string]any
}

var (
	regexCache sync.Map
	// Formats of @pagopa/ts-commons named in the spec.
	formatPatterns = map[string]*regexp.Regexp{
		"FiscalCode":             fiscalCodeRE,
		"OrganizationFiscalCode": regexp.MustCompile(`^[0-9]{11}$`),
		"EmailString":            regexp.MustCompile(`^[^@\s]+@[^@\s]+$`),
		"email":                  regexp.MustCompile(`^[^@\s]+@[^@\s]+$`),
	}
)

func compiled(p string) (*regexp.Regexp, error) {
	if re, ok := regexCache.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	regexCache.Store(p, re)
	return re, nil
}

// decodeJSON decodes with json.Number so integers stay exact.
func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func (v *schemaValidator) validate(schema any, val any, path string) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/definitions/")
		def, exists := v.defs[name]
		if !found || !exists {
			return []string{fmt.Sprintf("%s: unresolvable $ref %q", path, ref)}
		}
		return v.validate(def, val, path)
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }

	if all, ok := s["allOf"].([]any); ok {
		if oneOf, _ := s["x-one-of"].(bool); oneOf {
			matched := false
			var sub []string
			for _, alt := range all {
				e := v.validate(alt, val, path)
				if len(e) == 0 {
					matched = true
					break
				}
				sub = append(sub, e...)
			}
			if !matched {
				fail("matches none of the x-one-of alternatives: %s", strings.Join(sub, "; "))
			}
		} else {
			for _, part := range all {
				errs = append(errs, v.validate(part, val, path)...)
			}
		}
	}

	typ, _ := s["type"].(string)
	if typ == "" {
		if _, ok := s["properties"]; ok {
			typ = "object"
		}
	}
	switch typ {
	case "object":
		obj, ok := val.(map[string]any)
		if !ok {
			fail("want object, got %T", val)
			return errs
		}
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				fail("required property %q missing", r)
			}
		}
		props, _ := s["properties"].(map[string]any)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k]; ok {
				errs = append(errs, v.validate(ps, obj[k], path+"."+k)...)
			} else if ap, ok := s["additionalProperties"]; ok {
				if b, isBool := ap.(bool); isBool && !b {
					fail("property %q not allowed", k)
				} else if !isBool {
					errs = append(errs, v.validate(ap, obj[k], path+"."+k)...)
				}
			}
		}
	case "array":
		arr, ok := val.([]any)
		if !ok {
			fail("want array, got %T", val)
			return errs
		}
		for i, item := range arr {
			errs = append(errs, v.validate(s["items"], item, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case "string":
		str, ok := val.(string)
		if !ok {
			fail("want string, got %T", val)
			return errs
		}
		n := utf8.RuneCountInString(str)
		if min, ok := num(s["minLength"]); ok && float64(n) < min {
			fail("length %d < minLength %v", n, min)
		}
		if max, ok := num(s["maxLength"]); ok && float64(n) > max {
			fail("length %d > maxLength %v", n, max)
		}
		if p, ok := s["pattern"].(string); ok {
			re, err := compiled(p)
			if err != nil {
				fail("bad pattern %q: %v", p, err)
			} else if !re.MatchString(str) {
				fail("%q does not match %s", str, p)
			}
		}
		if f, ok := s["format"].(string); ok {
			if msg := checkFormat(f, str); msg != "" {
				fail("%q: %s", str, msg)
			}
		}
	case "integer", "number":
		n, ok := val.(json.Number)
		if !ok {
			fail("want %s, got %T", typ, val)
			return errs
		}
		r, ok := new(big.Rat).SetString(string(n))
		if !ok {
			fail("bad number %s", n)
			return errs
		}
		if typ == "integer" && !r.IsInt() {
			fail("%s is not an integer", n)
		}
		f, _ := r.Float64()
		if min, ok := num(s["minimum"]); ok {
			if ex, _ := s["exclusiveMinimum"].(bool); (ex && f <= min) || f < min {
				fail("%s below minimum %v", n, min)
			}
		}
		if max, ok := num(s["maximum"]); ok {
			if ex, _ := s["exclusiveMaximum"].(bool); (ex && f >= max) || f > max {
				fail("%s above maximum %v", n, max)
			}
		}
		if s["format"] == "int32" && (f < -1<<31 || f > 1<<31-1) {
			fail("%s out of int32", n)
		}
	case "boolean":
		if _, ok := val.(bool); !ok {
			fail("want boolean, got %T", val)
		}
	}

	for _, key := range []string{"enum", "x-extensible-enum"} {
		if list, ok := s[key].([]any); ok {
			found := false
			for _, e := range list {
				if fmt.Sprint(e) == fmt.Sprint(val) {
					found = true
				}
			}
			if !found {
				fail("%v not in %s %v", val, key, list)
			}
		}
	}
	return errs
}

func num(x any) (float64, bool) {
	switch n := x.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func checkFormat(format, s string) string {
	switch format {
	case "date-time", "UTCISODateFromString":
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return "not an ISO-8601 date-time"
		}
		if format == "UTCISODateFromString" && !strings.HasSuffix(s, "Z") {
			return "not in UTC"
		}
	case "uri":
		if u, err := url.Parse(s); err != nil || !u.IsAbs() {
			return "not an absolute URI"
		}
	case "Ulid":
		if _, err := ulid.ParseStrict(s); err != nil {
			return "not a ULID"
		}
	default:
		if re := formatPatterns[format]; re != nil && !re.MatchString(s) {
			return "not a valid " + format
		}
	}
	return ""
}

func TestSchemaValidator(t *testing.T) {
	v := &schemaValidator{defs: map[string]any{
		"A": map[string]any{"type": "string", "x-extensible-enum": []any{"A"}},
		"B": map[string]any{"type": "string", "x-extensible-enum": []any{"B"}},
		"U": map[string]any{"x-one-of": true, "allOf": []any{map[string]any{"$ref": "#/definitions/A"}, map[string]any{"$ref": "#/definitions/B"}}},
		"O": map[string]any{"type": "object", "required": []any{"n"}, "properties": map[string]any{
			"n": map[string]any{"type": "integer", "minimum": 1, "maximum": 10},
			"s": map[string]any{"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
			"t": map[string]any{"type": "string", "format": "UTCISODateFromString"},
		}},
	}}
	check := func(schema string, js string, valid bool) {
		t.Helper()
		val, err := decodeJSON([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		errs := v.validate(map[string]any{"$ref": "#/definitions/" + schema}, val, "root")
		if (len(errs) == 0) != valid {
			t.Errorf("%s %s: valid=%v, errors %v", schema, js, valid, errs)
		}
	}
	check("U", `"A"`, true)
	check("U", `"B"`, true)
	check("U", `"C"`, false)
	check("O", `{"n": 5, "s": "ab", "t": "2026-01-01T00:00:00.000Z"}`, true)
	check("O", `{"s": "ab"}`, false)
	check("O", `{"n": 5.5}`, false)
	check("O", `{"n": 11}`, false)
	check("O", `{"n": 1, "s": "a"}`, false)
	check("O", `{"n": 1, "s": "AB"}`, false)
	check("O", `{"n": 1, "t": "2026-01-01"}`, false)
	check("O", `[]`, false)
}
