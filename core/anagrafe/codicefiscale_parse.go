package anagrafe

import "time"

// DatiCodiceFiscale is what a valid codice fiscale says about its holder.
type DatiCodiceFiscale struct {
	Codice       string    // normalised, as written (omocodic letters kept)
	CodiceBase   string    // omocodia undone and check character recomputed; equal to Codice when not omocodic
	Sesso        byte      // 'M' or 'F'
	DataNascita  time.Time // midnight UTC
	Belfiore     string    // birthplace code, omocodia undone ("H501", "Z404")
	LuogoNascita string    // name of the comune (as it was on the day of birth, for a suppressed one) or foreign state
	Provincia    string    // province sigla of the comune; "EE" for a foreign state
	Estero       bool      // born abroad (Z code)
	Omocodico    bool      // some digits are replaced by omocodia letters
}

// ParseCodiceFiscale validates cf like ValidaCodiceFiscale and decodes it.
// The code gives only two digits of the year: the century is the one
// that puts the birth on or before riferimento (zero value: today), i.e.
// holders are assumed younger than 100 years.
func ParseCodiceFiscale(cf string, riferimento time.Time) (DatiCodiceFiscale, error) {
	f, e := analizza(NormalizzaCodiceFiscale(cf))
	if e != nil {
		return DatiCodiceFiscale{}, e
	}
	if riferimento.IsZero() {
		riferimento = time.Now()
	}
	d := DatiCodiceFiscale{
		Codice:      f.code,
		CodiceBase:  f.base,
		Sesso:       'M',
		DataNascita: birthDate(f.yy, f.month, f.day, riferimento),
		Belfiore:    f.belfiore,
		Omocodico:   f.omocodico,
	}
	if f.female {
		d.Sesso = 'F'
	}
	if f.belfiore[0] == 'Z' {
		s, _ := StatoEsteroByBelfiore(f.belfiore)
		d.LuogoNascita, d.Provincia, d.Estero = s.Nome, "EE", true
	} else if c, ok := comuneAllaData(f.belfiore, d.DataNascita.Format(time.DateOnly)); ok {
		d.LuogoNascita, d.Provincia = c.Nome, c.Provincia
	}
	return d, nil
}

// birthDate resolves the century: 20yy if that date is not after the
// reference day, else 19yy. 29 February of "00" is always 2000, the only
// one of the two that exists.
func birthDate(yy, month, day int, ref time.Time) time.Time {
	y, m, dd := ref.Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	t := time.Date(2000+yy, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.After(today) && !(yy == 0 && month == 2 && day == 29) {
		t = time.Date(1900+yy, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	}
	return t
}
