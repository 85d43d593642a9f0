package io.xceptionspark.image;

/**
 * The image formats we recognise, by their leading bytes ("magic"), never by the file name: a JPEG
 * called {@code .png} is a JPEG. Recognised is not decoded: {@link ImageDecoder} has a codec for
 * most of these (for HEIF, AVIF and JPEG XL where the executor has the decoder) and names the others
 * in its {@code UNSUPPORTED_FORMAT} message (docs/IMAGES.md says why each is left undecoded).
 */
public enum ImageFormat {
    JPEG("JPEG"),
    PNG("PNG"),
    GIF("GIF"),
    BMP("BMP"),
    TIFF("TIFF"),
    WEBP("WebP"),
    /** Netpbm PBM/PGM/PPM (P1-P6), PAM (P7) and PFM. */
    PNM("PNM"),
    /** Truevision TGA: no magic bytes, recognised by a plausible header (checked last). */
    TGA("TGA"),
    ICO("ICO"),
    CUR("CUR"),
    ICNS("ICNS"),
    /** Amiga IFF ILBM / PBM. */
    IFF("IFF"),
    PCX("PCX"),
    /** A BMP without its file header (clipboard .dib files), decoded as the BMP it is. */
    DIB("DIB"),
    /** Multi-page PCX; the first page is decoded. */
    DCX("DCX"),
    /** Apple PICT (with or without the 512-byte file header). */
    PICT("PICT"),
    /** SGI image (.rgb, .bw, .sgi). */
    SGI("SGI"),
    /** Photoshop PSD and PSB: the merged (composite) image. */
    PSD("PSD"),
    /** Radiance RGBE (.hdr), tone-mapped to 8 bits. */
    HDR("Radiance HDR"),
    /** JPEG 2000 codestream (.j2k) or JP2 file; decoded only if the optional codec is installed. */
    JPEG2000("JPEG 2000"),
    /** HEIF with HEVC (HEIC) or another codec; decoded only where the executor has libvips' tool (VipsDecoder). */
    HEIF("HEIC/HEIF"),
    /** HEIF with AV1; decoded as HEIF is. */
    AVIF("AVIF"),
    /** JPEG XL codestream or ISO container; decoded by the same tool as HEIF. */
    JPEG_XL("JPEG XL"),
    DDS("DDS"),
    // Recognised so that the error names them, but not decoded (see docs/IMAGES.md):
    BLP("BLP"),
    FTEX("FTEX"),
    FITS("FITS"),
    FLI("FLI/FLC animation"),
    IM("IM"),
    GBR("GIMP brush (GBR)"),
    MSP("MSP"),
    PIXAR("PIXAR"),
    SUN_RASTER("Sun raster"),
    XBM("XBM"),
    XPM("XPM"),
    XV_THUMBNAIL("XV thumbnail"),
    PDF("PDF"),
    SVG("SVG");

    private final String displayName;

    ImageFormat(String displayName) {
        this.displayName = displayName;
    }

    /** The format's usual name, as error messages show it. */
    public String displayName() {
        return displayName;
    }

    /** The format of {@code bytes}, or {@code null} if no format we know starts like this. */
    public static ImageFormat sniff(byte[] b) {
        if (b.length >= 3 && u8(b, 0) == 0xFF && u8(b, 1) == 0xD8 && u8(b, 2) == 0xFF) {
            return JPEG;
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8') && b.length >= 6 && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return GIF;
        }
        if (startsWith(b, 0, 'B', 'M') && b.length >= 26) {
            return BMP;
        }
        if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)
                || startsWith(b, 0, 'I', 'I', 43, 0) || startsWith(b, 0, 'M', 'M', 0, 43)) {
            return TIFF;
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return WEBP;
        }
        if (startsWith(b, 0, 0xFF, 0x4F, 0xFF, 0x51)
                || startsWith(b, 0, 0, 0, 0, 12, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A)) {
            return JPEG2000;
        }
        if (startsWith(b, 0, 0xFF, 0x0A) || startsWith(b, 0, 0, 0, 0, 12, 'J', 'X', 'L', ' ')) {
            return JPEG_XL;
        }
        if (startsWith(b, 4, 'f', 't', 'y', 'p') && b.length >= 12) {
            ImageFormat heif = heifBrand(b);
            if (heif != null) {
                return heif;
            }
        }
        if (startsWith(b, 0, 'P', '7', ' ', '3', '3', '2')) {
            return XV_THUMBNAIL; // before PNM: "P7" is also PAM
        }
        if (b.length >= 3 && b[0] == 'P' && ((b[1] >= '1' && b[1] <= '7') || b[1] == 'F' || b[1] == 'f')
                && isSpace(b[2])) {
            return PNM;
        }
        if (startsWith(b, 0, 0, 0, 1, 0) && icoDirectory(b)) {
            return ICO;
        }
        if (startsWith(b, 0, 0, 0, 2, 0) && icoDirectory(b)) {
            return CUR;
        }
        if (startsWith(b, 0, 'i', 'c', 'n', 's')) {
            return ICNS;
        }
        if (startsWith(b, 0, 'F', 'O', 'R', 'M') && (startsWith(b, 8, 'I', 'L', 'B', 'M')
                || startsWith(b, 8, 'P', 'B', 'M', ' ') || startsWith(b, 8, 'D', 'E', 'E', 'P'))) {
            return IFF;
        }
        if (startsWith(b, 0, 0xB1, 0x68, 0xDE, 0x3A)) {
            return DCX;
        }
        if (b.length >= 128 && u8(b, 0) == 0x0A && u8(b, 1) <= 5 && u8(b, 2) <= 1) {
            return PCX;
        }
        if (startsWith(b, 0, 0x01, 0xDA) && u8(b, 2) <= 1) {
            return SGI;
        }
        if (startsWith(b, 0, '8', 'B', 'P', 'S', 0) && (u8(b, 5) == 1 || u8(b, 5) == 2)) {
            return PSD;
        }
        if (startsWith(b, 0, '#', '?', 'R', 'A', 'D', 'I', 'A', 'N', 'C', 'E')
                || startsWith(b, 0, '#', '?', 'R', 'G', 'B', 'E')) {
            return HDR;
        }
        if (startsWith(b, 0, 'D', 'D', 'S', ' ')) {
            return DDS;
        }
        if (startsWith(b, 0, 'B', 'L', 'P', '1') || startsWith(b, 0, 'B', 'L', 'P', '2')) {
            return BLP;
        }
        if (startsWith(b, 0, 'F', 'T', 'E', 'X')) {
            return FTEX;
        }
        if (startsWith(b, 0, 'S', 'I', 'M', 'P', 'L', 'E', ' ', ' ', '=')) {
            return FITS;
        }
        if (b.length >= 128 && (startsWith(b, 4, 0x11, 0xAF) || startsWith(b, 4, 0x12, 0xAF))) {
            return FLI;
        }
        if (startsWith(b, 0, 'I', 'm', 'a', 'g', 'e', ' ', 't', 'y', 'p', 'e')) {
            return IM;
        }
        if (startsWith(b, 20, 'G', 'I', 'M', 'P')) {
            return GBR;
        }
        if (startsWith(b, 0, 'D', 'a', 'n', 'M') || startsWith(b, 0, 'L', 'i', 'n', 'S')) {
            return MSP;
        }
        if (startsWith(b, 0, 0x80, 0xE8, 0, 0)) {
            return PIXAR;
        }
        if (startsWith(b, 0, 0x59, 0xA6, 0x6A, 0x95)) {
            return SUN_RASTER;
        }
        if (startsWith(b, 0, '%', 'P', 'D', 'F', '-')) {
            return PDF;
        }
        String text = leadingText(b);
        if (text.startsWith("#define")) {
            return XBM;
        }
        if (text.startsWith("/* XPM */")) {
            return XPM;
        }
        if (text.startsWith("<svg") || (text.startsWith("<?xml") && text.contains("<svg"))) {
            return SVG;
        }
        if (DibFile.looksLikeDib(b)) {
            return DIB;
        }
        if (pictHeaderAt(b, 512) || pictHeaderAt(b, 0)) {
            return PICT;
        }
        if (tgaHeader(b)) {
            return TGA;
        }
        return null;
    }

    /**
     * HEIF by its ftyp box: the major brand (heic, heix, hevc, hevx, heim, heis, hevm, hevs; avif, avis), or for
     * the generic mif1/msf1 the first AV1 or HEVC brand among the compatible ones (AVIF if avif/avis is there).
     */
    private static ImageFormat heifBrand(byte[] b) {
        String major = new String(b, 8, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (major.equals("avif") || major.equals("avis")) {
            return AVIF;
        }
        if (major.startsWith("hei") || major.startsWith("hev")) {
            return HEIF;
        }
        if (!major.equals("mif1") && !major.equals("msf1")) {
            return null;
        }
        long boxSize = ImageHeader.u32(b, 0);
        int end = (int) Math.min(b.length, Math.max(16, Math.min(boxSize, 4096)));
        for (int at = 16; at + 4 <= end; at += 4) { // compatible brands follow the minor version
            String brand = new String(b, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (brand.equals("avif") || brand.equals("avis")) {
                return AVIF;
            }
        }
        return HEIF;
    }

    /** ICO/CUR: a non-empty directory whose first entry points inside the file. */
    private static boolean icoDirectory(byte[] b) {
        if (b.length < 22) {
            return false;
        }
        int count = ImageHeader.u16le(b, 4);
        long offset = ImageHeader.u32le(b, 18);
        return count > 0 && offset >= 6 + 16L * count && offset < b.length;
    }

    /**
     * PICT: after the 10-byte picture header (size, frame), version 1 ({@code 11 01}) or the
     * version 2 opcode ({@code 00 11 02 FF}).
     */
    private static boolean pictHeaderAt(byte[] b, int at) {
        return startsWith(b, at + 10, 0x11, 0x01) || startsWith(b, at + 10, 0x00, 0x11, 0x02, 0xFF);
    }

    /**
     * TGA has no magic; accept only a header whose every field is valid: colour-map type 0 or 1
     * (and present exactly for colour-mapped types), a known image type, a sane pixel depth and a
     * non-empty size.
     */
    private static boolean tgaHeader(byte[] b) {
        if (b.length < 18) {
            return false;
        }
        int mapType = u8(b, 1);
        int type = u8(b, 2);
        int depth = u8(b, 16);
        boolean mapped = type == 1 || type == 9;
        boolean known = mapped || type == 2 || type == 3 || type == 10 || type == 11;
        boolean depthOk = depth == 8 || depth == 15 || depth == 16 || depth == 24 || depth == 32
                || (depth == 1 && (type == 3 || type == 11));
        int mapDepth = u8(b, 7);
        boolean mapOk = mapped ? mapType == 1 && (mapDepth == 15 || mapDepth == 16 || mapDepth == 24 || mapDepth == 32)
                : mapType == 0;
        return known && depthOk && mapOk && ImageHeader.u16le(b, 12) > 0 && ImageHeader.u16le(b, 14) > 0
                && (u8(b, 17) & 0xC0) == 0;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** Up to 256 leading bytes as ASCII text, leading white space and a UTF-8 BOM skipped. */
    private static String leadingText(byte[] b) {
        int start = startsWith(b, 0, 0xEF, 0xBB, 0xBF) ? 3 : 0;
        while (start < b.length && isSpace(b[start])) {
            start++;
        }
        return new String(b, start, Math.min(256, b.length - start), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static boolean startsWith(byte[] b, int at, int... magic) {
        if (b.length < at + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (u8(b, at + i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }
}
