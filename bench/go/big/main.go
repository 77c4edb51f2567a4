// A large Go binary (>= 10 MB of wasm): many std packages kept reachable
// behind a branch that never runs, to measure decode/validate/instantiate
// of a real-world-sized module. Normal runs print one line.
package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/csv"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"html/template"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"math/big"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"strings"
	texttemplate "text/template"
	"time"
)

func everything(w io.Writer) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", "package x\nfunc F() int { return 1 }\n", parser.ParseComments)
	if err == nil {
		conf := types.Config{Importer: importer.Default()}
		pkg, _ := conf.Check("x", fset, []*ast.File{f}, nil)
		fmt.Fprintln(w, pkg)
		format.Node(w, fset, f)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.Write([]byte("ok")) }))
	resp, _ := http.Get(srv.URL)
	if resp != nil {
		io.Copy(w, resp.Body)
	}
	http.ListenAndServeTLS(":0", "c", "k", nil)
	tls.Dial("tcp", "x:1", &tls.Config{})
	x509.ParseCertificate(nil)
	k, _ := rsa.GenerateKey(rand.Reader, 1024)
	rsa.SignPKCS1v15(rand.Reader, k, 0, nil)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecdsa.SignASN1(rand.Reader, ek, []byte("x"))
	_, pk, _ := ed25519.GenerateKey(rand.Reader)
	ed25519.Sign(pk, []byte("x"))
	b, _ := aes.NewCipher(make([]byte, 16))
	g, _ := cipher.NewGCM(b)
	g.Seal(nil, make([]byte, 12), []byte("x"), nil)
	hmac.New(sha512.New, nil).Write(nil)
	db, _ := sql.Open("none", "")
	if db != nil {
		db.QueryContext(context.Background(), "select 1")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.Create("a")
	zw.Close()
	zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "a"})
	tar.NewReader(&buf).Next()
	gz := gzip.NewWriter(&buf)
	gz.Write([]byte("x"))
	gzip.NewReader(&buf)
	gob.NewEncoder(&buf).Encode(map[string]int{"a": 1})
	xml.Marshal(struct{ A int }{1})
	json.Marshal(map[string]any{"a": []int{1}})
	csv.NewReader(strings.NewReader("a,b")).ReadAll()
	base64.StdEncoding.EncodeToString([]byte("x"))
	hex.Dump([]byte("x"))
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{1, 2, 3, 4})
	png.Encode(&buf, img)
	jpeg.Encode(&buf, img, nil)
	gif.Encode(&buf, img, nil)
	png.Decode(&buf)
	jpeg.Decode(&buf)
	texttemplate.Must(texttemplate.New("t").Parse("{{.}}")).Execute(w, 1)
	template.Must(template.New("h").Parse("<a>{{.}}</a>")).Execute(w, "<x>")
	regexp.MustCompile(`a+b`).FindString("aab")
	mail.ParseAddress("a <a@b.c>")
	url.Parse("http://x/y?z=1")
	multipart.NewWriter(&buf).CreateFormFile("f", "n")
	new(big.Int).Exp(big.NewInt(3), big.NewInt(100), big.NewInt(7))
	slog.New(slog.NewJSONHandler(w, nil)).Info("x", "k", 1)
	bufio.NewScanner(os.Stdin).Scan()
	fmt.Fprintln(w, time.Now(), sha256.Sum256(nil))
}

func main() {
	all := flag.Bool("all", false, "exercise everything")
	flag.Parse()
	if *all {
		everything(os.Stdout)
	}
	fmt.Println("big ok")
}
