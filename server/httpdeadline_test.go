package main

import (
	"net/http"

	"github.com/tickarena/tickarena/internal/testwait"
)

// Every request these tests send through http.DefaultClient (http.Get,
// http.Post, DefaultClient.Do) fails with "Client.Timeout exceeded" after
// testwait.Default instead of hanging on a server that never answers.
func init() { http.DefaultClient.Timeout = testwait.Default }
