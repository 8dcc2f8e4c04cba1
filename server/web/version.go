package web

import (
	"sort"
	"strings"
)

// versionedURLs returns a replacer that turns every quoted asset URL of an
// HTML page, such as "/static/style.css", into one that names the content's
// version, "/static/style.css?v=3q2-7wX0aB1c". Browsers then keep such a file
// for a year and still fetch the new one as soon as the page names it.
func versionedURLs(files map[string]*file) *strings.Replacer {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	pairs := make([]string, 0, 2*len(names))
	for _, name := range names {
		url := StaticPrefix + name
		pairs = append(pairs, `"`+url+`"`, `"`+url+"?v="+files[name].version+`"`)
	}
	return strings.NewReplacer(pairs...)
}
