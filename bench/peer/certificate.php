<?php
// The peer engine for bench/certificates.js (issue 20): the same certificate page drawn with TCPDF, the
// PDF engine Moodle's certificate plugins (mod_customcert, tool_certificate) use. Same text, sizes and
// positions as bench/certificates.js's bare PDFKit page, DejaVu fonts subset into each file, the QR as
// TCPDF's own 2D barcode. Install: apt-get install php-cli php-tcpdf (Debian).
//
//   php bench/peer/certificate.php FIRST COUNT [sample.pdf]
//
// Draws certificates FIRST .. FIRST+COUNT-1 and prints {"count", "seconds", "bytes"} as JSON: the time is
// measured inside PHP around the drawing only, so PHP's own start-up is not counted against it.

require_once '/usr/share/php/tcpdf/tcpdf.php';

function fields(int $i): array {
    $alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    $code = '7K2QH-XM4RB-' . str_pad((string) $i, 4, '0', STR_PAD_LEFT) . $alphabet[$i % 32];
    return [
        'orgName' => 'Big Sky Community Health Peer Support Program',
        'recipientName' => "Renée Two Feathers-$i Núñez",
        'credentialName' => '40-hour Peer Support Course (incl. Ethics & Boundaries)',
        'credentialCode' => 'PS-40',
        'hours' => '40',
        'issuedOn' => 'March 3, 2026',
        'validity' => 'Does not expire',
        'trainerName' => 'Corey Whitehorse',
        'directorName' => 'Dana Littlelight',
        'directorTitle' => 'Program Director',
        'cohortName' => 'Spring cohort, Billings',
        'code' => $code,
        'verifyUrl' => "https://lms.example.org/verify/$code",
        'verifyBase' => 'lms.example.org/verify',
    ];
}

function certificate(array $f): string {
    $pdf = new TCPDF('L', 'pt', 'LETTER', true, 'UTF-8', false);
    $pdf->setPrintHeader(false);
    $pdf->setPrintFooter(false);
    $pdf->SetMargins(0, 0, 0);
    $pdf->SetAutoPageBreak(false);
    $pdf->setCellPaddings(0, 0, 0, 0);
    $pdf->AddPage();
    $pdf->SetTextColor(29, 36, 51);
    $text = function (string $font, string $style, float $size, string $s, float $y, float $x = 60, float $w = 672) use ($pdf) {
        $pdf->SetFont($font, $style, $size);
        $pdf->SetXY($x, $y);
        $pdf->Cell($w, 0, $s, 0, 0, 'C');
    };
    $text('dejavuserif', 'B', 13, strtoupper($f['orgName']), 62);
    $text('dejavuserif', 'B', 38, 'Certificate of Completion', 100);
    $text('dejavuserif', 'I', 14, 'This certifies that', 164);
    $text('dejavuserif', 'B', 34, $f['recipientName'], 196);
    $text('dejavuserif', 'I', 13, 'has completed all requirements of', 282);
    $text('dejavuserif', 'B', 19, $f['credentialName'], 302);
    $text('dejavuserif', '', 12, "{$f['hours']} hours of instruction · {$f['cohortName']}", 358);
    $text('dejavusans', '', 10, "Issued {$f['issuedOn']}     ·     {$f['validity']}", 384);
    $text('dejavuserif', '', 12, $f['trainerName'], 484, 74, 190);
    $text('dejavusans', '', 8.5, 'TRAINER', 500, 74, 190);
    $text('dejavuserif', '', 12, $f['directorName'], 484, 396, 190);
    $text('dejavusans', '', 8.5, strtoupper($f['directorTitle']), 500, 396, 190);
    $text('dejavuserif', 'B', 11, $f['credentialCode'], 476, 300, 60);
    $text('dejavusansmono', '', 9, $f['code'], 512, 600, 154);
    $text('dejavusans', '', 6.5, 'Check this certificate at', 526, 600, 154);
    $text('dejavusans', '', 6.5, $f['verifyBase'], 535, 600, 154);
    $style = ['border' => false, 'padding' => 0, 'fgcolor' => [29, 36, 51], 'bgcolor' => false];
    $pdf->write2DBarcode($f['verifyUrl'], 'QRCODE,M', 636, 424, 82, 82, $style, 'N');
    return $pdf->Output('', 'S');
}

$first = (int) ($argv[1] ?? 0);
$count = (int) ($argv[2] ?? 100);
$sample = $argv[3] ?? null;
certificate(fields($first)); // warm the fonts' PHP definitions, as a long-running server would have them
$bytes = 0;
$start = hrtime(true);
for ($i = $first; $i < $first + $count; $i++) {
    $pdf = certificate(fields($i));
    $bytes += strlen($pdf);
    if ($sample !== null && $i === $first) file_put_contents($sample, $pdf);
}
$seconds = (hrtime(true) - $start) / 1e9;
echo json_encode(['count' => $count, 'seconds' => $seconds, 'bytes' => $bytes]), "\n";
