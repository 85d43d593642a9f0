#!/usr/bin/python3
"""Writes the HEIC, AVIF and JPEG XL test files of HeifFixtureTest and what the reference decoders make of them.

Needs Debian's encoders and decoders (apt-get install libheif-examples libavif-bin libjxl-tools python3-pil) and
runs with /usr/bin/python3. The outputs are committed under src/test/resources/io/xceptionspark/image/heif/: each
FILE with FILE.png beside it, the reference decode (heif-convert, i.e. libheif, for HEIC and AVIF; djxl, i.e. libjxl,
for JPEG XL), and MANIFEST.tsv saying which tool made each and what the file exercises. Sources are small crops of
sample-data/ photos (ICC profiles dropped: heif-convert refuses to write some of them into a PNG), except the three
files that carry sample-data/rocket.jpg's Adobe RGB (1998) profile to show it is not applied (as for JPEG): a HEIC and
an AVIF coded like a twin without it, and a lossless JPEG XL whose reference is its source picture.

heif-enc cannot write a tiled (grid) HEIC, nor an irot/imir transform or an Exif item; iPhones write all three
(512x512 HEVC tiles in a 'grid' item, irot, and Exif whose orientation repeats the transform). So the HEIC files with
those are assembled here: each tile is encoded by heif-enc on its own and its HEVC configuration (hvcC) and data are
copied into a new file whose boxes are written below (ISO/IEC 23008-12: ftyp, meta with hdlr, pitm, iinf, iref,
iprp/ipco/ipma, iloc, idat; mdat).
"""
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src/test/resources/io/xceptionspark/image/heif"
TOOLS = ["heif-enc", "heif-convert", "avifenc", "cjxl", "djxl"]


def run(*args):
    subprocess.run([str(a) for a in args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def source(name, size, box=None, mode="RGB"):
    """A sample-data photo, optionally cropped, resized to size, without ICC profile."""
    with Image.open(ROOT / "sample-data" / name) as im:
        im = im.convert(mode)
        if box:
            im = im.crop(box)
        out = im.resize(size, Image.BICUBIC)
        out.info = {}  # no ICC profile
        return out


# ---- ISO BMFF boxes -------------------------------------------------------------------------------------------

def box(kind, payload):
    return struct.pack(">I4s", 8 + len(payload), kind.encode("latin1")) + payload


def full_box(kind, version, flags, payload):
    return box(kind, struct.pack(">I", (version << 24) | flags) + payload)


def children(data, start, end):
    """(type, payload start, payload end) of the boxes in data[start:end]."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        yield kind.decode("latin1"), pos + 8, pos + size
        pos += size


def find(data, start, end, kind):
    for k, s, e in children(data, start, end):
        if k == kind:
            return s, e
    raise ValueError("no " + kind + " box")


def single_image(heic):
    """(hvcC box, HEVC data) of the one image heif-enc wrote."""
    meta_s, meta_e = find(heic, 0, len(heic), "meta")
    meta_s += 4  # FullBox header
    iprp_s, iprp_e = find(heic, meta_s, meta_e, "iprp")
    ipco_s, ipco_e = find(heic, iprp_s, iprp_e, "ipco")
    hvcc_s, hvcc_e = find(heic, ipco_s, ipco_e, "hvcC")
    iloc_s, _ = find(heic, meta_s, meta_e, "iloc")
    # heif-enc 1.15: iloc version 0, offset/length/base offset 4 bytes each, one item with one extent
    version = heic[iloc_s]
    sizes = heic[iloc_s + 4]
    assert version == 0 and sizes == 0x44 and heic[iloc_s + 5] >> 4 in (0, 4), "unexpected iloc layout"
    base_size = heic[iloc_s + 5] >> 4
    count, item, ref = struct.unpack(">HHH", heic[iloc_s + 6:iloc_s + 12])
    pos = iloc_s + 12
    base = int.from_bytes(heic[pos:pos + base_size], "big")
    extents, offset, length = struct.unpack(">HII", heic[pos + base_size:pos + base_size + 10])
    assert count == 1 and extents == 1
    offset += base
    return heic[hvcc_s - 8:hvcc_e], heic[offset:offset + length]


def encode_hevc(image, quality, tmp):
    png = tmp / "tile.png"
    heic = tmp / "tile.heic"
    image.save(png)
    run("heif-enc", "-q", quality, "-o", heic, png)
    return single_image(heic.read_bytes())


def exif_orientation(value):
    """An Exif item payload: the 4-byte offset to the TIFF header, then a TIFF with one IFD0 entry (Orientation)."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) \
        + struct.pack(">HHIHH", 0x0112, 3, 1, value, 0) + struct.pack(">I", 0)
    return struct.pack(">I", 0) + tiff


def write_heif(items, primary, properties, associations, references):
    """A HEIF file. items: [(id, type, hidden, data, in_idat)]; properties: [box bytes] (ipco order, 1-based);
    associations: {item id: [(property index, essential)]}; references: [(type, from id, [to ids])]."""
    ftyp = box("ftyp", b"heic" + struct.pack(">I", 0) + b"mif1heic")
    infe = [full_box("infe", 2, 1 if hidden else 0, struct.pack(">HH", item_id, 0) + kind.encode() + b"\x00")
            for item_id, kind, hidden, _, _ in items]
    iinf = full_box("iinf", 0, 0, struct.pack(">H", len(infe)) + b"".join(infe))
    iref = full_box("iref", 0, 0, b"".join(
        box(kind, struct.pack(">HH", src, len(dst)) + b"".join(struct.pack(">H", d) for d in dst))
        for kind, src, dst in references)) if references else b""
    ipco = box("ipco", b"".join(properties))
    ipma_entries = b"".join(
        struct.pack(">HB", item_id, len(props)) + bytes((0x80 if essential else 0) | index for index, essential in props)
        for item_id, props in sorted(associations.items()))
    ipma = full_box("ipma", 0, 0, struct.pack(">I", len(associations)) + ipma_entries)
    iprp = box("iprp", ipco + ipma)
    idat_payload = b"".join(data for _, _, _, data, in_idat in items if in_idat)
    idat = box("idat", idat_payload) if idat_payload else b""

    def iloc(mdat_start):
        entries = b""
        mdat_pos = mdat_start
        idat_pos = 0
        for item_id, _, _, data, in_idat in items:
            if in_idat:
                entries += struct.pack(">HHHHII", item_id, 1, 0, 1, idat_pos, len(data))
                idat_pos += len(data)
            else:
                entries += struct.pack(">HHHHII", item_id, 0, 0, 1, mdat_pos, len(data))
                mdat_pos += len(data)
        # version 1 (construction method per item), offset and length 4 bytes, no base offset or index
        return full_box("iloc", 1, 0, bytes([0x44, 0x00]) + struct.pack(">H", len(items)) + entries)

    def meta(mdat_start):
        return full_box("meta", 0, 0, full_box("hdlr", 0, 0, struct.pack(">I", 0) + b"pict" + bytes(12) + b"\x00")
                        + full_box("pitm", 0, 0, struct.pack(">H", primary)) + iinf + iref + iprp
                        + iloc(mdat_start) + idat)

    head = len(ftyp) + len(meta(0)) + 8  # the meta box's size does not depend on the offsets it holds
    mdat = box("mdat", b"".join(data for _, _, _, data, in_idat in items if not in_idat))
    return ftyp + meta(head) + mdat


def ispe(w, h):
    return full_box("ispe", 0, 0, struct.pack(">II", w, h))


def irot(quarter_turns_anticlockwise):
    return box("irot", bytes([quarter_turns_anticlockwise & 3]))


def colr_icc(profile):
    return box("colr", b"prof" + profile)


def heic_single(image, quality, tmp, rotation=None, exif=None, icc=None):
    hvcc, data = encode_hevc(image, quality, tmp)
    props = [hvcc, ispe(*image.size)] + ([irot(rotation)] if rotation is not None else [])
    assoc = {1: [(1, True), (2, False)] + ([(3, True)] if rotation is not None else [])}
    if icc is not None:
        props.append(colr_icc(icc))
        assoc[1].append((len(props), False))
    items = [(1, "hvc1", False, data, False)]
    refs = []
    if exif is not None:
        items.append((2, "Exif", False, exif_orientation(exif), False))
        refs.append(("cdsc", 2, [1]))
    return write_heif(items, 1, props, assoc, refs)


def heic_grid(image, tile, out_w, out_h, quality, tmp, rotation=None, exif=None):
    """A grid of tile x tile HEVC tiles covering image (whose size is a multiple of tile), cropped to out_w x out_h."""
    cols, rows = image.size[0] // tile, image.size[1] // tile
    assert cols * tile == image.size[0] and rows * tile == image.size[1]
    assert (cols - 1) * tile < out_w <= cols * tile and (rows - 1) * tile < out_h <= rows * tile
    items, props, assoc = [], [], {}
    grid_id = 1
    props.append(ispe(out_w, out_h))  # 1: the grid's (output) size
    grid_props = [(1, False)]
    if rotation is not None:
        props.append(irot(rotation))
        grid_props.append((len(props), True))
    props.append(ispe(tile, tile))
    tile_ispe = len(props)
    tile_ids = []
    for r in range(rows):
        for c in range(cols):
            hvcc, data = encode_hevc(image.crop((c * tile, r * tile, (c + 1) * tile, (r + 1) * tile)), quality, tmp)
            props.append(hvcc)
            item_id = 10 + len(tile_ids)
            tile_ids.append(item_id)
            items.append((item_id, "hvc1", True, data, False))
            assoc[item_id] = [(len(props), True), (tile_ispe, False)]
    # ImageGrid: version 0, flags 0 (16-bit output size), rows - 1, columns - 1, output width, output height
    grid = struct.pack(">BBBBHH", 0, 0, rows - 1, cols - 1, out_w, out_h)
    items.insert(0, (grid_id, "grid", False, grid, True))
    assoc[grid_id] = grid_props
    refs = [("dimg", grid_id, tile_ids)]
    if exif is not None:
        items.append((2, "Exif", False, exif_orientation(exif), False))
        refs.append(("cdsc", 2, [grid_id]))
    return write_heif(items, grid_id, props, assoc, refs)


def without_exif(png):
    """Drops eXIf and iCCP chunks: heif-convert copies the HEIF's Exif (orientation 6 included) into the PNG of pixels it
    has already turned upright, so a reader honouring PNG Exif (PIL's exif_transpose, this project) would turn them
    again; and the reference is the decoder's pixel values, with no profile for a reader to apply."""
    data = png.read_bytes()
    out, pos = bytearray(data[:8]), 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        if data[pos + 4:pos + 8] not in (b"eXIf", b"iCCP"):
            out += data[pos:pos + 12 + length]
        pos += 12 + length
    png.write_bytes(bytes(out))


# ---- the fixtures ---------------------------------------------------------------------------------------------

def main():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        sys.exit("missing " + ", ".join(missing) + ": apt-get install libheif-examples libavif-bin libjxl-tools")
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    manifest = []
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        kitten = source("kitten.jpg", (160, 120), box=(0, 90, 720, 630))
        coffee = source("coffee.png", (128, 128), box=(100, 0, 500, 400))
        chelsea = source("chelsea.png", (150, 100))
        camera = source("camera.png", (96, 96), mode="L")
        with Image.open(ROOT / "sample-data" / "rocket.jpg") as im:
            adobe_rgb = im.info["icc_profile"]  # Adobe RGB (1998), 560 bytes: moves these pictures by ~5.7 levels
        (tmp / "adobe-rgb.icc").write_bytes(adobe_rgb)

        def heif(name, data, what):
            (OUT / name).write_bytes(data)
            manifest.append((name, "heif-convert", what))

        heif("kitten.heic", heic_single(kitten, 60, tmp), "8-bit 4:2:0 HEVC, one image")
        heif("kitten-irot90.heic", heic_single(kitten, 60, tmp, rotation=1),
             "irot 90 degrees anticlockwise: upright is 120x160")
        heif("kitten-exif6.heic", heic_single(kitten, 60, tmp, exif=6),
             "Exif orientation 6 and no irot: HEIF's Exif is informative, the picture stays 160x120")
        heif("coffee-grid.heic", heic_grid(coffee, 64, 120, 100, 60, tmp, rotation=3, exif=6),
             "iPhone layout: 2x2 grid of 64x64 HEVC tiles cropped to 120x100, irot 270 (= 90 clockwise) and Exif "
             "orientation 6 repeating it: upright is 100x120, rotated once")
        heif("kitten-adobergb.heic", heic_single(kitten, 60, tmp, icc=adobe_rgb),
             "kitten.heic's HEVC data with an Adobe RGB (1998) ICC profile (colr prof): not applied, as for JPEG")

        chelsea.save(tmp / "chelsea.png")
        kitten.save(tmp / "kitten.png")
        coffee.save(tmp / "coffee.png")
        rgba = chelsea.convert("RGBA")
        rgba.putalpha(Image.linear_gradient("L").resize(chelsea.size))
        rgba.save(tmp / "chelsea-alpha.png")

        def avif(name, src, what, *options):
            run("avifenc", "-j", "1", "-s", "6", *options, tmp / src, OUT / name)
            manifest.append((name, "heif-convert", what))

        avif("chelsea-8bit.avif", "chelsea.png", "8-bit 4:2:0 AV1", "-y", "420", "--min", "20", "--max", "30")
        avif("chelsea-10bit.avif", "chelsea.png", "10-bit 4:4:4 AV1 (decoded to 16 bits, high byte kept)",
             "-d", "10", "-y", "444", "--min", "20", "--max", "30")
        avif("chelsea-alpha.avif", "chelsea-alpha.png", "8-bit with an alpha plane (dropped, colour kept)",
             "-y", "420", "--min", "20", "--max", "30")
        avif("chelsea-adobergb.avif", "chelsea.png", "chelsea-8bit.avif coded with an Adobe RGB (1998) ICC profile:"
             " not applied, as for JPEG", "-y", "420", "--min", "20", "--max", "30", "--icc", tmp / "adobe-rgb.icc")
        avif("coffee-grid-irot-imir.avif", "coffee.png", "2x2 grid, irot 90 anticlockwise and imir",
             "-g", "2x2", "--irot", "1", "--imir", "0", "-y", "420", "--min", "20", "--max", "30")

        def jxl(name, src, what, *options):
            run("cjxl", tmp / src if not Path(src).is_absolute() else src, OUT / name, "--num_threads=1", *options)
            manifest.append((name, "djxl", what))

        camera.save(tmp / "camera.png")
        jxl("chelsea-lossy.jxl", "chelsea.png", "lossy (VarDCT, XYB), container-less codestream", "-d", "1.5")
        jxl("camera-gray-lossless.jxl", "camera.png", "8-bit gray, lossless (modular)", "-d", "0")
        jxl("chelsea-alpha.jxl", "chelsea-alpha.png", "with alpha (dropped, colour kept)", "-d", "1.5")
        chelsea.save(tmp / "chelsea-adobergb.png", icc_profile=adobe_rgb)
        jxl("chelsea-adobergb-lossless.jxl", "chelsea-adobergb.png", "lossless with an Adobe RGB (1998) ICC profile:"
            " not applied, as for JPEG (reference: the source picture, which lossless coding keeps exactly)", "-d", "0")
        manifest[-1] = (manifest[-1][0], "source", manifest[-1][2])
        exif6 = Image.Exif()
        exif6[0x0112] = 6
        kitten.save(tmp / "kitten-exif6.jpg", quality=85, exif=exif6.tobytes())
        jxl("kitten-orient6-from-jpeg.jxl", "kitten-exif6.jpg",
            "lossless JPEG recompression of a JPEG with Exif orientation 6, in the ISO container (jxlc box): "
            "the codestream's orientation is applied, upright is 120x160")

        for name, tool, _ in manifest:
            if tool == "heif-convert":
                run("heif-convert", "--quiet", OUT / name, OUT / (name + ".png"))
            elif tool == "source":
                chelsea.save(OUT / (name + ".png"))
            else:
                run("djxl", OUT / name, OUT / (name + ".png"), "--num_threads=1", "--bits_per_sample=8", "--quiet")
            without_exif(OUT / (name + ".png"))
            with Image.open(OUT / (name + ".png")) as im:
                print(f"{name}: {(OUT / name).stat().st_size} bytes, reference {tool}: {im.size[0]}x{im.size[1]} "
                      f"{im.mode}")
    with open(OUT / "MANIFEST.tsv", "w") as f:
        f.write("file\treference decoder\twhat it exercises\n")
        for row in manifest:
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    sys.exit(main())
