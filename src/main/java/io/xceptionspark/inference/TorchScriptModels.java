package io.xceptionspark.inference;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a user TorchScript model under the scorer's contract: float32 [N, 3, H, W] in (after the
 * configured preprocessing); out a tuple (logits [N, C], embedding [N, D]), or logits or embedding
 * alone, as declared. C and D are whatever the model produces; a probe pass at load time checks the
 * declaration, so a mismatching file fails before any image is scored.
 */
public final class TorchScriptModels {
    private TorchScriptModels() {}

    public static ScoringModel load(Path file, OutputLayout layout, int height, int width, String checksum) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("TorchScript model " + file + " does not exist or is not a file."
                    + " Set model to the path of a .pt file saved with torch.jit.save.");
        }
        Model model = Model.newInstance(file.getFileName().toString(), "PyTorch");
        try {
            model.load(file);
        } catch (IOException | MalformedModelException | EngineException e) {
            model.close();
            throw new ModelLoadException("Cannot load " + file + " as a TorchScript model (" + e.getMessage()
                    + "). Save the model with torch.jit.save (or trace/script it) and point model at that file.", e);
        }
        try {
            int[] widths = probe(model, layout, file, height, width);
            return new ScoringModel(model, layout, new ModelIdentity("torchscript", file.getFileName().toString(),
                    checksum), height, width, widths[0], widths[1]);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** One zero batch of two images through the model: returns {classes, embedding size} (0 if absent). */
    private static int[] probe(Model model, OutputLayout layout, Path file, int height, int width) {
        InferenceThreads.prepareCurrentThread(Math.max(1, ai.djl.pytorch.jni.JniUtils.getNumThreads()));
        ImageBatch zeros = new ImageBatch(new float[2 * 3 * height * width], 2, height, width);
        try (Predictor<ImageBatch, BatchOutput> predictor = model.newPredictor(new BatchTranslator(layout))) {
            BatchOutput out = predictor.predict(zeros);
            int classes = out.logits() == null ? 0 : checkRows(out.logits(), "logits", file, layout);
            int embedding = out.embeddings() == null ? 0 : checkRows(out.embeddings(), "embedding", file, layout);
            return new int[] {classes, embedding};
        } catch (TranslateException | RuntimeException e) {
            Throwable cause = e.getCause() != null && e instanceof TranslateException ? e.getCause() : e;
            throw new ModelLoadException("TorchScript model " + file + " does not follow the declared contract: input"
                    + " float32 [N, 3, " + height + ", " + width + "], output " + layout.describe() + ". Probe failed: "
                    + cause.getMessage() + ". Fix the model, or declare its outputs (logits,embedding | logits |"
                    + " embedding) and input size to match.", e);
        }
    }

    private static int checkRows(float[][] rows, String what, Path file, OutputLayout layout) {
        if (rows.length != 2 || rows[0].length == 0) {
            throw new ModelLoadException("TorchScript model " + file + ": its " + what + " output has "
                    + rows.length + " rows for a batch of 2; expected " + layout.describe() + ".");
        }
        return rows[0].length;
    }
}
