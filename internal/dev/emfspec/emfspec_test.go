package emfspec

import (
	"fmt"
	"strings"
	"testing"
)

// valid is a record in the shape the specification describes: two
// DimensionSets, a Count, a Milliseconds array, and one property.
const valid = `{"_aws":{"Timestamp":1764494175123,"CloudWatchMetrics":[{"Namespace":"Shop/Cards","Dimensions":[["Service"],["Service","Stage"]],` +
	`"Metrics":[{"Name":"Calls","Unit":"Count"},{"Name":"Time","Unit":"Milliseconds","StorageResolution":60}]}]},` +
	`"Service":"cards","Stage":"prod","Calls":1,"Time":[12.5,3],"requestId":"989ffbf8"}`

func TestExtractValid(t *testing.T) {
	t.Parallel()
	data, err := Extract([]byte(valid + "\n"))
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	var got []string
	for _, d := range data {
		got = append(got, fmt.Sprintf("%s %v %s %s %v %d", d.Namespace, d.Dimensions, d.Name, d.Unit, d.Values, d.Timestamp))
	}
	want := []string{
		"Shop/Cards map[Service:cards] Calls Count [1] 1764494175123",
		"Shop/Cards map[Service:cards] Time Milliseconds [12.5 3] 1764494175123",
		"Shop/Cards map[Service:cards Stage:prod] Calls Count [1] 1764494175123",
		"Shop/Cards map[Service:cards Stage:prod] Time Milliseconds [12.5 3] 1764494175123",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got data points\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAcceptsOptionalForms covers what the specification allows besides
// the base record: no Unit (None), an empty DimensionSet, resolution 1.
func TestAcceptsOptionalForms(t *testing.T) {
	t.Parallel()
	for name, record := range map[string]string{
		"no unit":          strings.Replace(valid, `"Name":"Calls","Unit":"Count"`, `"Name":"Calls"`, 1),
		"empty set":        strings.Replace(valid, `[["Service"],`, `[[],`, 1),
		"high resolution":  strings.Replace(valid, `"StorageResolution":60`, `"StorageResolution":1`, 1),
		"negative value":   strings.Replace(valid, `"Calls":1`, `"Calls":-1.5e2`, 1),
		"no trailing \\n":  valid,
		"extra whitespace": strings.Replace(valid, `"Calls":1`, `"Calls" :  1`, 1),
		"unicode property": strings.Replace(valid, `"989ffbf8"`, `"caf\u00e9"`, 1),
	} {
		if err := Check([]byte(record)); err != nil {
			t.Errorf("%s: got %v, want a valid record", name, err)
		}
	}
}

// TestRejectsBrokenRecords changes one thing of a valid record at a time.
func TestRejectsBrokenRecords(t *testing.T) {
	t.Parallel()
	r := func(old, new string) string {
		if !strings.Contains(valid, old) {
			t.Fatalf("mutation %q does not apply", old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	many := func(n int, item string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(item, i)
		}
		return strings.Join(parts, ",")
	}
	for name, tc := range map[string]struct{ record, want string }{
		"not JSON":                         {`_aws: {}`, "not a JSON object"},
		"not an object":                    {`[` + valid + `]`, "not a JSON object"},
		"two records on a line":            {valid + valid, "data after the object"},
		"two lines":                        {valid + "\n" + valid + "\n", "spans more than one line"},
		"pretty-printed":                   {r(`{"_aws":{`, "{\n\"_aws\":{"), "spans more than one line"},
		"trailing garbage":                 {valid + ` x`, "data after the object"},
		"no _aws":                          {`{"Calls":1}`, "no _aws member"},
		"_aws not an object":               {`{"_aws":[]}`, "not a JSON object"},
		"no Timestamp":                     {r(`"Timestamp":1764494175123,`, ``), "no Timestamp member"},
		"timestamp in seconds":             {r(`1764494175123`, `1764494175`), "want 946684800000..32503680000000)"},
		"timestamp in microseconds":        {r(`1764494175123`, `1764494175123000`), "want 946684800000..32503680000000)"},
		"fractional timestamp":             {r(`1764494175123`, `1764494175123.5`), "1764494175123.5 is not a non-negative in"},
		"timestamp as exponent":            {r(`1764494175123`, `1.764494175123e12`), "1.764494175123e12 is not a non-negative "},
		"timestamp as string":              {r(`1764494175123`, `"1764494175123"`), "\"1764494175123\" is not a non-negative in"},
		"lower-case timestamp key":         {r(`"Timestamp"`, `"timestamp"`), "no Timestamp member"},
		"unknown _aws member":              {r(`"Timestamp":`, `"LogGroupName":"x","Timestamp":`), "unknown member \"LogGroupName\""},
		"duplicate _aws member":            {r(`"Timestamp":1764494175123,`, `"Timestamp":1764494175123,"Timestamp":1764494175124,`), "member \"Timestamp\" twice"},
		"no directives":                    {`{"_aws":{"Timestamp":1764494175123,"CloudWatchMetrics":[]}}`, "empty, so the record defines no metric"},
		"CloudWatchMetrics object":         {`{"_aws":{"Timestamp":1764494175123,"CloudWatchMetrics":{}}}`, "not an array"},
		"unknown directive member":         {r(`"Namespace":"Shop/Cards",`, `"Namespace":"Shop/Cards","Extra":1,`), "unknown member \"Extra\""},
		"no Namespace":                     {r(`"Namespace":"Shop/Cards",`, ``), "no Namespace member"},
		"empty Namespace":                  {r(`"Shop/Cards"`, `""`), "want 1..255 characters, not all spaces"},
		"reserved Namespace":               {r(`"Shop/Cards"`, `"AWS/Lambda"`), "AWS/ is reserved for AWS services"},
		"Namespace bad character":          {r(`"Shop/Cards"`, `"Shop|Cards"`), "character '|' not allowed"},
		"Namespace too long":               {r(`"Shop/Cards"`, `"`+strings.Repeat("n", 256)+`"`), "want 1..255 characters, not all spaces"},
		"no Dimensions":                    {r(`"Dimensions":[["Service"],["Service","Stage"]],`, ``), "no Dimensions member"},
		"empty Dimensions":                 {r(`[["Service"],["Service","Stage"]]`, `[]`), "empty; want at least one DimensionSet"},
		"DimensionSet not an array":        {r(`[["Service"],`, `["Service",`), "not an array of DimensionSet arrays"},
		"31 dimensions":                    {r(`["Service","Stage"]`, `[`+many(31, `"d%d"`)+`]`), "31 keys, want at most 30"},
		"dimension twice in a set":         {r(`["Service","Stage"]`, `["Service","Service"]`), "\"Service\" twice"},
		"missing dimension member":         {r(`"Stage":"prod",`, ``), "no such root member"},
		"dimension value a number":         {r(`"Stage":"prod"`, `"Stage":3`), "3 is not a string"},
		"dimension value empty":            {r(`"Stage":"prod"`, `"Stage":""`), "want 1..1024 printable ASCII characters, not "},
		"dimension value spaces":           {r(`"Stage":"prod"`, `"Stage":"  "`), "want 1..1024 printable ASCII characters, not "},
		"dimension value non-ASCII":        {r(`"Stage":"prod"`, `"Stage":"pr\u00f6d"`), "want 1..1024 printable ASCII characters, not "},
		"dimension value too long":         {r(`"Stage":"prod"`, `"Stage":"`+strings.Repeat("p", 1025)+`"`), "want 1..1024 printable ASCII characters, not "},
		"dimension key a number":           {r(`["Service"],`, `[7],`), "7 is not a string"},
		"dimension is _aws":                {r(`["Service"],`, `["_aws"],`), "want 1..250 printable ASCII characters, not s"},
		"no Metrics":                       {r(`"Metrics":[{"Name":"Calls","Unit":"Count"},{"Name":"Time","Unit":"Milliseconds","StorageResolution":60}]`, `"M":[]`), "no Metrics member"},
		"empty Metrics":                    {r(`[{"Name":"Calls","Unit":"Count"},{"Name":"Time","Unit":"Milliseconds","StorageResolution":60}]`, `[]`), "0 definitions, want 1..100"},
		"over 100 metrics":                 {r(`{"Name":"Calls","Unit":"Count"}`, many(101, `{"Name":"Calls%d","Unit":"Count"}`)), "102 definitions, want 1..100"},
		"metric twice":                     {r(`{"Name":"Time"`, `{"Name":"Calls"`), "metric \"Calls\" defined twice"},
		"empty metric Name":                {r(`{"Name":"Calls","Unit":"Count"}`, `{"Name":"","Unit":"Count"}`), `metric name "": want 1..255`},
		"metric Name a number":             {r(`{"Name":"Calls","Unit":"Count"}`, `{"Name":1,"Unit":"Count"}`), "member Name: 1 is not a string"},
		"no metric Name":                   {r(`{"Name":"Calls","Unit":"Count"}`, `{"Unit":"Count"}`), "no Name member"},
		"unknown metric member":            {r(`"Name":"Calls",`, `"Name":"Calls","Value":1,`), "unknown member \"Value\""},
		"lower-case unit key":              {r(`"Name":"Calls","Unit"`, `"Name":"Calls","unit"`), "unknown member \"unit\""},
		"unknown unit":                     {r(`"Unit":"Count"`, `"Unit":"Requests"`), "Unit \"Requests\" is not a CloudWatch unit"},
		"unit in wrong case":               {r(`"Unit":"Count"`, `"Unit":"count"`), "Unit \"count\" is not a CloudWatch unit"},
		"StorageResolution 30":             {r(`"StorageResolution":60`, `"StorageResolution":30`), "StorageResolution 30, want 1 or 60"},
		"StorageResolution string":         {r(`"StorageResolution":60`, `"StorageResolution":"60"`), "StorageResolution \"60\", want 1 or 60"},
		"missing metric member":            {r(`"Calls":1,`, ``), "no such root member"},
		"string metric value":              {r(`"Calls":1`, `"Calls":"1"`), "target \"1\" is neither a number nor an ar"},
		"boolean metric value":             {r(`"Calls":1`, `"Calls":true`), "target true is neither a number nor an a"},
		"null metric value":                {r(`"Calls":1`, `"Calls":null`), "target null is neither a number nor an a"},
		"nested metric value":              {r(`"Calls":1`, `"Calls":{"v":1}`), "target {\"v\":1} is neither a number nor a"},
		"empty value array":                {r(`[12.5,3]`, `[]`), "target array of 0 values, want 1..100"},
		"string in value array":            {r(`[12.5,3]`, `[12.5,"3"]`), "target [1] \"3\" is not a number"},
		"101 values":                       {r(`[12.5,3]`, `[`+many(101, `%d`)+`]`), "target array of 101 values, want 1..100"},
		"infinite value":                   {r(`"Calls":1`, `"Calls":1e999`), "target 1e999 is not a finite number"},
		"metric naming a dimension member": {r(`{"Name":"Calls","Unit":"Count"}`, `{"Name":"Stage","Unit":"Count"}`), "neither a number nor an array"},
		"duplicate root member":            {r(`"Calls":1,`, `"Calls":1,"Calls":2,`), "member \"Calls\" twice"},
		"over 256 KB":                      {r(`"989ffbf8"`, `"`+strings.Repeat("a", 256<<10)+`"`), "262455 bytes, want at most 262144"},
	} {
		err := Check([]byte(tc.record))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one saying %q", name, err, tc.want)
		}
	}
}
