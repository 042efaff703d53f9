package main

import (
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/test"
	_ "github.com/mattn/go-sqlite3"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/text/encoding/charmap"

	_ "github.com/amisjury/amis/assets"
)

func main() {}
