package static

import (
	"log"
	"net/http"
	"time"
)

// Timeouts bound how long a client may hold a connection without making
// progress, so that slow or idle clients cannot pile connections up.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers.
	ReadHeader time.Duration
	// Read bounds reading a whole request.
	Read time.Duration
	// Stall bounds each write of a response: a client that stops reading
	// is cut off once its socket buffers are full for this long, while a
	// slow but steady one keeps downloading.
	Stall time.Duration
	// Idle bounds the wait for the next request on a kept-alive
	// connection.
	Idle time.Duration
}

// DefaultTimeouts suit a classroom: a page and its 10 MB of wasm and data
// load over a slow network, while an idle or stalled client is dropped in
// seconds.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Stall: 20 * time.Second, Idle: 30 * time.Second}
}

// NewServer returns an http.Server for h with the timeouts t, logging each
// request to logger (nil: no request log).
func NewServer(h http.Handler, t Timeouts, logger *log.Logger) *http.Server {
	var handler http.Handler = stallGuard(h, t.Stall)
	if logger != nil {
		handler = Logged(handler, logger)
	}
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		IdleTimeout:       t.Idle,
		ErrorLog:          logger,
	}
}

// stallGuard gives every write of a response its own deadline of stall.
func stallGuard(h http.Handler, stall time.Duration) http.Handler {
	if stall <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&stallWriter{ResponseWriter: w, rc: http.NewResponseController(w), stall: stall}, r)
	})
}

// stallWriter moves the connection's write deadline before each write.
type stallWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	stall time.Duration
}

func (s *stallWriter) Write(b []byte) (int, error) {
	s.rc.SetWriteDeadline(time.Now().Add(s.stall))
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *stallWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Logged logs each request after it is answered: status, method and the
// path as escaped in a URL, so that no request can write control
// characters, such as a newline forging a log line, into the log.
func Logged(h http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		logger.Printf("%d %s %s", rec.status, r.Method, r.URL.EscapedPath())
	})
}

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
