package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
)

// A JSON export is an API list holding every matching record, one record
// a line, without a next page:
//
//	{"kind":"events","data":[
//	{…},
//	{…}
//	],"next":null}
//
// Its records are the API's, less what only this database knows (see
// api.PortableEvent), so that `sitrep import` reads it back.
type jsonWriter struct {
	buf   *bufio.Writer
	enc   *json.Encoder
	line  bytes.Buffer
	o     Options
	k     kind
	count int
}

func newJSONWriter(w io.Writer, o Options, k kind) *jsonWriter {
	jw := &jsonWriter{buf: bufio.NewWriterSize(w, 64<<10), o: o, k: k}
	jw.enc = newEncoder(&jw.line)
	return jw
}

// newEncoder writes JSON that keeps <, > and & as they are: the files are
// data, not HTML.
func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

func (w *jsonWriter) begin() error {
	name := api.KindEvents
	if w.k == estimateKind {
		name = api.KindEstimates
	}
	_, err := w.buf.WriteString(`{"kind":"` + name + `","data":[`)
	return err
}

func (w *jsonWriter) record(v any) error {
	w.line.Reset()
	if err := w.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n"
	if w.count == 0 {
		sep = "\n"
	}
	w.count++
	w.buf.WriteString(sep)
	_, err := w.buf.Write(bytes.TrimSuffix(w.line.Bytes(), []byte("\n")))
	return err
}

func (w *jsonWriter) event(e conflict.Event) error {
	e.Body = w.o.offSite(e.Body)
	return w.record(api.PortableEvent(api.NewEvent(e, w.o.Links)))
}

func (w *jsonWriter) estimate(x conflict.Estimate) error {
	x.Notes = w.o.offSite(x.Notes)
	return w.record(api.PortableEstimate(api.NewEstimate(x, w.o.Links)))
}

func (w *jsonWriter) flush() error { return w.buf.Flush() }

func (w *jsonWriter) end() error {
	if w.count > 0 {
		w.buf.WriteString("\n")
	}
	w.buf.WriteString("],\"next\":null}\n")
	return w.buf.Flush()
}
