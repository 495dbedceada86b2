package dev.tessera.train.cli;

import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.train.OptimizerConfig;

/** Help texts of the trainer's commands. */
final class TrainUsage {

    /** GM-VQ's defaults, which the help quotes. */
    private static final GmVqConfig GMVQ = GmVqConfig.defaults(512, 8);

    /** The optimiser's defaults, which the help quotes. */
    private static final OptimizerConfig OPTIMIZER =
            OptimizerConfig.defaults(TrainSettings.DEFAULT_LR);

    private TrainUsage() {}

    static final String TRAIN =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera train --data PATH --out DIR [options]",
                    "       tessera train --resume CHECKPOINT_DIR",
                    "",
                    "Trains an image tokenizer, evaluates it on the test split, and exports a"
                            + " tokenizer directory",
                    "(encoder.onnx, decoder.onnx, codebook.npy, tessera.json, report.html) after"
                            + " checking that the",
                    "ONNX graphs reproduce the trained model.",
                    "",
                    "data:",
                    "  --data PATH|synthetic   IDX directory or file (.gz or raw), image folder"
                            + " (PNG/JPEG, class",
                    "                          subfolders, train/ and test/ splits), .npy array,"
                            + " or the built-in",
                    "                          synthetic shapes (default synthetic)",
                    "  --image-size N|HxW      resize every image to this size (default: the"
                            + " data's own)",
                    "  --channels 1|3          convert to grayscale or RGB (default: the data's"
                            + " own)",
                    "  --resize resize|crop    how other sizes are fitted (default resize)",
                    "  --test-fraction F       hold-out share when the data has no split (default"
                            + " 0.1)",
                    "  --skip-bad-files        skip and count unreadable files instead of"
                            + " stopping",
                    "  --train-images N, --test-images N   synthetic set sizes (8192, 1024)",
                    "model:",
                    "  --quantizer Q           gmvq (default), vq, vq-ema or fsq",
                    "  --codebook-size K       codes in the codebook (default 512)",
                    "  --code-dim L            dimension of each code (default 8; fsq: the number"
                            + " of levels)",
                    "  --arch conv|resnet      conv: the small plain ReLU network (default);"
                            + " resnet: VQGAN-style",
                    "                          GroupNorm/SiLU residual encoder and decoder",
                    "  --width W               hidden channels (resnet: of the first level)"
                        + " (default 32)",
                    "  --downsample F          conv: image side / latent grid side, 2, 4 or 8"
                            + " (default 4)",
                    "  --depth D               conv: convolutions per resolution stage (default"
                            + " 1)",
                    "  --residual-blocks R     conv: residual blocks at the latent resolution"
                            + " (default 1)",
                    "  --channel-mult 1,2,2    resnet: channel multiplier per resolution level; n"
                            + " levels downsample",
                    "                          by 2^(n-1) (default 1,2,2)",
                    "  --blocks-per-level N    resnet: residual blocks per level (default 2)",
                    "  --attention             resnet: self-attention at the lowest resolution",
                    "GM-VQ:",
                    "  --beta B                weight of KL(aggregate posterior || uniform)"
                            + " (default "
                            + GMVQ.beta()
                            + ")",
                    "  --gamma G               weight of the expected squared distance to the codes"
                            + " (default "
                            + GMVQ.gamma()
                            + ")",
                    "  --estimator E           gradient through the sampled code: gumbel (the"
                            + " paper's straight-through",
                    "                          Gumbel-softmax), gumbel-soft, posterior-mean,"
                            + " straight-through",
                    "                          (default " + GMVQ.estimator().flag() + ")",
                    "  --tau0 T, --tau-min T   gumbel, gumbel-soft: temperature annealed from tau0"
                            + " to tau-min",
                    "                          (default " + GMVQ.tau0() + ", " + GMVQ.tauMin() + ")",
                    "  --posterior-variance V  sigma_q^2 of the logits; 0 estimates it at"
                            + " initialisation (default "
                            + GMVQ.posteriorVariance()
                            + ")",
                    "  --posterior-variance-mode fixed|learned|tracked  sigma_q^2 kept, trained by"
                            + " the loss's",
                    "                          gradient (a posterior-collapse risk; reported), or"
                            + " re-estimated after",
                    "                          every step from the encoder outputs (default "
                            + GMVQ.posteriorVarianceMode().flag()
                            + ")",
                    "  --learn-posterior-variance  the same as --posterior-variance-mode learned",
                    "  --posterior-variance-end R  fixed: anneal sigma_q^2 to R times its start"
                            + " over training",
                    "                          (default " + GMVQ.posteriorVarianceEnd() + ")",
                    "  --noise-variance S      sigma^2 of the adaptive-variance noise; Infinity:"
                            + " none (default "
                            + GMVQ.noiseVariance()
                            + ")",
                    "baselines:",
                    "  --commitment C          vq, vq-ema: commitment weight (default 0.25)",
                    "  --ema-decay D           vq-ema: EMA decay (default 0.99)",
                    "  --dead-threshold N      vq-ema: reset codes whose EMA count is below N"
                            + " (default 2)",
                    "  --fsq-levels 8,8,8      fsq: levels per dimension (default: from"
                            + " --codebook-size)",
                    "training:",
                    "  --epochs N              passes over the training split",
                    "  --steps N               or a step budget (default 1500 when --epochs is"
                            + " not given)",
                    "  --batch-size B          images per step (default 64)",
                    "  --lr LR                 peak AdamW learning rate (default "
                            + OPTIMIZER.learningRate()
                            + ")",
                    "  --warmup-steps N        linear warm-up from 0 to the peak, then cosine decay"
                            + " (default "
                            + OPTIMIZER.warmupSteps()
                            + ")",
                    "  --lr-floor F            learning rate at the last step, as a fraction of the"
                            + " peak (default "
                            + OPTIMIZER.floor()
                            + ")",
                    "  --adam-betas B1,B2      AdamW's moment decays (default "
                            + OPTIMIZER.beta1()
                            + ","
                            + OPTIMIZER.beta2()
                            + ")",
                    "  --weight-decay W        decoupled, on convolution kernels only (default "
                            + OPTIMIZER.weightDecay()
                            + ")",
                    "  --clip-grad-norm C      clip the global gradient norm to C; 0: off (default "
                            + OPTIMIZER.clipGradNorm()
                            + ")",
                    "  --seed S                seed of weights, batches and noise (default 7)",
                    "  --device auto|cpu|gpu   where to train (default auto: a GPU when DJL sees"
                            + " one)",
                    "  --config FILE.json      settings as a JSON object whose keys are these"
                            + " flags;",
                    "                          flags on the command line win",
                    "  --checkpoint-dir DIR    checkpoint after every epoch (default"
                            + " OUT.checkpoints)",
                    "  --no-checkpoints        write none",
                    "  --resume DIR            continue the run checkpointed in DIR",
                    "output:",
                    "  --out DIR               tokenizer directory to write (required)",
                    "  --name NAME             model name in the manifest (default tokenizer)",
                    "  --version V             model version in the manifest (default 1)",
                    "  --overwrite             replace DIR if it exists",
                    "  --verbose               print stack traces with errors",
                    "");

    static final String OTHERS =
            String.join(
                    System.lineSeparator(),
                    "other commands:",
                    "  tessera eval --model DIR --data PATH [--split test|train] [--json]",
                    "  tessera analyze --model DIR --data PATH [--max-images N] [--json]"
                            + " [--no-report]   (see: tessera analyze --help)",
                    "  tessera sweep --data PATH --out DIR --beta 0.1,0.3,1,3 [--codebook-size"
                            + " 64,512]",
                    "      [--quantizers gmvq,vq-ema] [--reuse] [train options]   (see: tessera"
                            + " sweep --help)",
                    "  tessera compare --data PATH --out DIR [--quantizers gmvq,vq,vq-ema,fsq]"
                            + " [--seeds 1,2,3] [--reuse] [train options]",
                    "      --reuse: keep the runs a previous compare finished in DIR (same"
                            + " quantizer, seed, budget)",
                    "  tessera gpu-setup --djl-source DIR [--libtorch DIR]   train on this"
                            + " machine's PyTorch (see: tessera gpu-setup --help)",
                    "");
}
