package sandbox

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// pecPKI is the simulated provider's certificates: a CA that clients trust
// (its PEM is in the credentials), the servers' TLS certificate and the
// certificate that signs receipts (S/MIME).
type pecPKI struct {
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caPEM  []byte
	tls    *tls.Config
	signer *x509.Certificate
	sigKey *ecdsa.PrivateKey
}

const pecCAFile = "pec-ca.pem"

// newPECPKI loads the CA from dir (creating it there the first time) or,
// with no dir, makes a fresh one; the leaf certificates are issued anew
// at each start for hosts.
func newPECPKI(dir string, hosts []string, now time.Time) (*pecPKI, error) {
	p := &pecPKI{}
	var err error
	if dir != "" {
		err = p.loadCA(filepath.Join(dir, pecCAFile))
	}
	if p.ca == nil && err == nil {
		if err = p.newCA(now); err == nil && dir != "" {
			err = p.saveCA(filepath.Join(dir, pecCAFile))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: certificati PEC: %w", err)
	}
	p.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.ca.Raw})

	srvKey, srvCert, err := p.issue(now, func(t *x509.Certificate) {
		t.Subject = pkix.Name{CommonName: "localhost", Organization: []string{"Sportello sandbox"}}
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		t.DNSNames = []string{"localhost"}
		t.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		for _, h := range hosts {
			if ip := net.ParseIP(h); ip != nil {
				t.IPAddresses = append(t.IPAddresses, ip)
			} else if h != "" && h != "localhost" {
				t.DNSNames = append(t.DNSNames, h)
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: certificato TLS: %w", err)
	}
	p.tls = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{srvCert.Raw, p.ca.Raw}, PrivateKey: srvKey, Leaf: srvCert}},
		MinVersion:   tls.VersionTLS12,
	}
	p.sigKey, p.signer, err = p.issue(now, func(t *x509.Certificate) {
		t.Subject = pkix.Name{CommonName: pecGestore, Organization: []string{pecGestore}, Country: []string{"IT"}}
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
		t.EmailAddresses = []string{pecMittenteGestore}
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: certificato di firma: %w", err)
	}
	return p, nil
}

func (p *pecPKI) newCA(now time.Time) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "Sportello sandbox CA", Organization: []string{"Sportello sandbox"}, Country: []string{"IT"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	p.ca, err = x509.ParseCertificate(der)
	p.caKey = key
	return err
}

// loadCA reads the CA kept in the state directory; a missing file is no
// error (p.ca stays nil).
func (p *pecPKI) loadCA(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		switch blk.Type {
		case "CERTIFICATE":
			if p.ca, err = x509.ParseCertificate(blk.Bytes); err != nil {
				return err
			}
		case "EC PRIVATE KEY":
			if p.caKey, err = x509.ParseECPrivateKey(blk.Bytes); err != nil {
				return err
			}
		}
	}
	if p.ca == nil || p.caKey == nil {
		return fmt.Errorf("%s: certificato o chiave della CA mancante", path)
	}
	return nil
}

func (p *pecPKI) saveCA(path string) error {
	keyDER, err := x509.MarshalECPrivateKey(p.caKey)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: p.ca.Raw})
	pem.Encode(&b, &pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// issue makes a leaf certificate signed by the CA, valid for a year.
func (p *pecPKI) issue(now time.Time, set func(*x509.Certificate)) (*ecdsa.PrivateKey, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	set(tpl)
	der, err := x509.CreateCertificate(rand.Reader, tpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, err
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return n.Add(n, big.NewInt(1))
}

// CMS (RFC 5652) object identifiers.
var (
	oidData            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSHA256          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
)

type cmsContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue // [0] EXPLICIT, built by hand
}

type cmsSignedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo cmsEncapContentInfo
	Certificates     asn1.RawValue   `asn1:"optional,tag:0"`
	SignerInfos      []cmsSignerInfo `asn1:"set"`
}

// cmsEncapContentInfo has no eContent: the signature is detached.
type cmsEncapContentInfo struct {
	EContentType asn1.ObjectIdentifier
}

type cmsSignerInfo struct {
	Version            int
	SID                cmsIssuerAndSerial
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
}

type cmsIssuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type cmsAttribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue // a SET holding one value
}

// signDetached is a detached CMS SignedData over content (the S/MIME
// signature of a multipart/signed): SHA-256, ECDSA, with the signed
// attributes content type, signing time and message digest, and the
// signer's certificate.
func (p *pecPKI) signDetached(content []byte, at time.Time) ([]byte, error) {
	digest := sha256.Sum256(content)
	var attrs [][]byte
	for _, a := range []struct {
		oid asn1.ObjectIdentifier
		val any
	}{
		{oidContentType, oidData},
		{oidSigningTime, at.UTC()},
		{oidMessageDigest, digest[:]},
	} {
		v, err := asn1.Marshal(a.val)
		if err != nil {
			return nil, err
		}
		enc, err := asn1.Marshal(cmsAttribute{Type: a.oid, Values: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: v}})
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, enc)
	}
	// DER orders the elements of a SET OF by their encodings.
	sort.Slice(attrs, func(i, j int) bool { return bytes.Compare(attrs[i], attrs[j]) < 0 })
	attrSet, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: bytes.Join(attrs, nil)})
	if err != nil {
		return nil, err
	}
	// The signature covers the attributes encoded as a SET (RFC 5652 5.4).
	h := sha256.Sum256(attrSet)
	sig, err := p.sigKey.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, err
	}
	sha := pkix.AlgorithmIdentifier{Algorithm: oidSHA256}
	si := cmsSignerInfo{
		Version:            1,
		SID:                cmsIssuerAndSerial{Issuer: asn1.RawValue{FullBytes: p.signer.RawIssuer}, Serial: p.signer.SerialNumber},
		DigestAlgorithm:    sha,
		SignedAttrs:        asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: bytes.Join(attrs, nil)},
		SignatureAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidECDSAWithSHA256},
		Signature:          sig,
	}
	sd, err := asn1.Marshal(cmsSignedData{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{sha},
		EncapContentInfo: cmsEncapContentInfo{EContentType: oidData},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: p.signer.Raw},
		SignerInfos:      []cmsSignerInfo{si},
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(cmsContentInfo{ContentType: oidSignedData,
		Content: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: sd}})
}
