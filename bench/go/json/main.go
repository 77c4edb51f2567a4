// encoding/json: marshal a large document of nested structs, unmarshal it
// back into structs and into interface{}, several rounds (reflection-heavy).
package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
)

type Address struct {
	Street string `json:"street"`
	City   string `json:"city"`
	Zip    string `json:"zip"`
}

type Order struct {
	ID     int64    `json:"id"`
	Amount float64  `json:"amount"`
	Items  []string `json:"items"`
	Paid   bool     `json:"paid"`
}

type User struct {
	ID      int               `json:"id"`
	Name    string            `json:"name"`
	Email   string            `json:"email"`
	Age     int               `json:"age"`
	Score   float64           `json:"score"`
	Tags    []string          `json:"tags"`
	Address Address           `json:"address"`
	Orders  []Order           `json:"orders"`
	Meta    map[string]string `json:"meta"`
}

func main() {
	n, rounds := 20000, 3
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		rounds, _ = strconv.Atoi(os.Args[2])
	}
	users := make([]User, n)
	for i := range users {
		u := &users[i]
		u.ID = i
		u.Name = "user-" + strconv.Itoa(i*7919%100003)
		u.Email = u.Name + "@example.org"
		u.Age = 18 + i%60
		u.Score = float64(i%1000) / 7.0
		u.Tags = []string{"t" + strconv.Itoa(i%13), "g" + strconv.Itoa(i%7), "quoted \"tag\" \u00e9"}
		u.Address = Address{Street: strconv.Itoa(i%999) + " Main St", City: "City" + strconv.Itoa(i%97), Zip: fmt.Sprintf("%05d", i%100000)}
		for k := 0; k < 1+i%3; k++ {
			u.Orders = append(u.Orders, Order{ID: int64(i)*10 + int64(k), Amount: float64(i%500) * 1.25, Items: []string{"a", "bb", "ccc"}[:1+k], Paid: k%2 == 0})
		}
		u.Meta = map[string]string{"k" + strconv.Itoa(i%5): "v", "src": "bench"}
	}
	h := fnv.New64a()
	total := 0
	for r := 0; r < rounds; r++ {
		data, err := json.Marshal(users)
		if err != nil {
			panic(err)
		}
		h.Write(data)
		total += len(data)
		var back []User
		if err := json.Unmarshal(data, &back); err != nil {
			panic(err)
		}
		if len(back) != n || back[n-1].Address.Zip != users[n-1].Address.Zip {
			panic("round trip mismatch")
		}
		var generic []interface{}
		if err := json.Unmarshal(data, &generic); err != nil {
			panic(err)
		}
		total += len(generic)
	}
	fmt.Printf("json n=%d rounds=%d bytes=%d fnv=%x\n", n, rounds, total, h.Sum64())
}
