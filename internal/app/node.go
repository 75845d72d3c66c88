package app

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
)

// nodeName names this process among the nodes sharing one database, for
// leases and logs: the host, the process and a random part, so that a
// restarted process is a new node (its old leases simply run out).
func nodeName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "node"
	}
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}
