"""Writes the two small HDF5 test files next to this script (needs Debian's python3-h5py and numpy):
   /usr/bin/python3 make_fixtures.py
- model_save_vlen.h5: the whole-model layout of Keras' model.save('x.h5'): weights under 'model_weights',
  variable-length string attributes, a weightless layer with an empty weight_names, a float64 weight.
- split_layer_names.h5: the save_weights layout with layer_names split into layer_names0/1, as Keras
  does for attributes over HDF5's 64 KiB object-header limit.
- save_weights_official.h5: the official ImageNet files' layout (Keras 2.1 save_weights): fixed-length byte
  string attributes, every layer listed, a weightless layer's weight_names an empty array of dtype S1,
  contiguous uncompressed datasets.
"""
import os

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
vlen = h5py.string_dtype()

with h5py.File(os.path.join(here, "model_save_vlen.h5"), "w") as f:
    f.attrs["keras_version"] = "2.4.0"          # scalar variable-length string
    f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = '{"class_name": "Functional"}'
    f.create_group("optimizer_weights")
    mw = f.create_group("model_weights")
    mw.attrs.create("layer_names", ["input_1", "conv", "relu", "dense"], dtype=vlen)
    mw.attrs["keras_version"] = "2.4.0"
    mw.attrs["backend"] = "tensorflow"
    mw.create_group("input_1").attrs.create("weight_names", [], dtype=vlen)
    mw.create_group("relu").attrs.create("weight_names", [], dtype=vlen)
    g = mw.create_group("conv")
    g.attrs.create("weight_names", ["conv/kernel:0", "conv/bias:0"], dtype=vlen)
    g.create_dataset("conv/kernel:0", data=np.arange(2 * 2 * 1 * 3, dtype=np.float32).reshape(2, 2, 1, 3) / 4)
    g.create_dataset("conv/bias:0", data=np.array([0.5, -0.5, 1.5], dtype=np.float64))
    g = mw.create_group("dense")
    g.attrs.create("weight_names", ["dense/kernel:0"], dtype=vlen)
    g.create_dataset("dense/kernel:0", data=np.full((3, 2), 0.125, dtype=np.float32))

with h5py.File(os.path.join(here, "split_layer_names.h5"), "w") as f:
    f.attrs["layer_names0"] = np.array([b"a", b"b"])
    f.attrs["layer_names1"] = np.array([b"c"])
    for n in ("a", "b", "c"):
        g = f.create_group(n)
        g.attrs["weight_names"] = np.array([(n + "/w:0").encode()])
        g.create_dataset(n + "/w:0", data=np.array([ord(n)], dtype=np.float32))

with h5py.File(os.path.join(here, "save_weights_official.h5"), "w") as f:
    f.attrs["layer_names"] = np.array([b"input_1", b"conv", b"conv_act", b"predictions"])
    f.attrs["backend"] = b"tensorflow"
    f.attrs["keras_version"] = b"2.1.3"
    for n in ("input_1", "conv_act"):
        f.create_group(n).attrs["weight_names"] = np.array([], dtype="S1")
    g = f.create_group("conv")
    g.attrs["weight_names"] = np.array([b"conv/kernel:0"])
    g.create_dataset("conv/kernel:0", data=np.arange(3 * 3 * 3 * 2, dtype=np.float32).reshape(3, 3, 3, 2) / 8)
    g = f.create_group("predictions")
    g.attrs["weight_names"] = np.array([b"predictions/kernel:0", b"predictions/bias:0"])
    g.create_dataset("predictions/kernel:0", data=np.full((2, 3), -0.25, dtype=np.float32))
    g.create_dataset("predictions/bias:0", data=np.array([1, 2, 3], dtype=np.float32))
