// The scanner's version, written into every report so a report says which code produced it.
export const SCANNER_VERSION = '0.1.0';
