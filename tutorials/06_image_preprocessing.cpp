// Tutorial 06, second part: preprocessing (the article's section 3.1.1).
//
// The article's practice section names the steps that come before any
// model: normalisation and standardisation, denoising, and for images
// resizing and colour-space conversion. The images of tutorial 06's first
// part (tutorials/06_image_attention/tasks.h: one bright plus or ring among
// dim ones, cut into nine patches) came clean and at the model's size.
// Real ones do not. Each experiment below damages the images the way a real
// source would, then applies the preprocessing step the article names, and
// trains the same attention-pooling model afresh (same seed, the first
// part's model and training) to measure what the step is worth, on
// held-out images.
//
// Run it:  build/tutorials/06_image_preprocessing [--quick] [--seed S] [--out DIR]
#include "nn/nn.h"
#include "tutorials/06_image_attention/models.h"
#include "tutorials/06_image_attention/tasks.h"
#include "tutorials/common/images.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

using namespace atto;
using namespace atto::tutorial;
using namespace atto::tutorial::image_attention;

namespace {

// Standardizes images pixel by pixel with a scaler fitted on `fitted_on`.
Tensor standardize_with(const Tensor& images, const Tensor& fitted_on) {
  Standardizer scaler;
  scaler.fit(fitted_on.reshape({fitted_on.dim(0), -1}));
  return scaler.transform(images.reshape({images.dim(0), -1})).reshape(images.shape());
}

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 06, second part: what each preprocessing step of the article is worth, measured.");
  // The first part's images and training: the same seed gives the same images.
  Generator gen(options.seed);
  const FirstTask task = first_task(options.quick, gen);
  const Index train_count = task.train_count, epochs = task.epochs;
  const Images &train_set = task.train, &test_set = task.test;
  fmt::print("held-out accuracy of attention pooling ({} training and {} held-out images):\n\n", train_count,
             test_set.labels.numel());
  Generator damage(options.seed + 500);
  const Tensor& clean_train = train_set.pixels;
  const Tensor& clean_test = test_set.pixels;
  const auto score = [&](const Tensor& train_pixels, const Tensor& test_pixels) {
    return held_out_after(train_pixels, train_set.labels, test_pixels, test_set.labels, epochs, options.seed + 1);
  };
  const auto row = [](const char* what, Real accuracy) { fmt::print("  {:<62} {:>6.1f}%\n", what, 100 * accuracy); };

  // Normalisation and standardisation. The held-out images come from
  // "another camera": a third of the contrast, on a bright background. A Standardizer fitted
  // on the training pixels is the right habit (the held-out data must not
  // shape the model, nor its preprocessing) but it cannot undo a change of
  // camera. Fitting it on the held-out images themselves looks as if it
  // helps, and is a leak: a deployed model sees one image at a time, not the
  // statistics of the test set. Normalising each image on its own needs no
  // statistics at all and removes the change.
  fmt::print("held-out images from another camera (x 0.3, + 0.6):\n");
  const Tensor other_camera = clean_test * Real(0.3) + Real(0.6);
  const Real camera_raw = score(clean_train, other_camera);
  row("no preprocessing", camera_raw);
  row("standardized with the training pixels' statistics (right)",
      score(standardize_with(clean_train, clean_train), standardize_with(other_camera, clean_train)));
  row("standardized with the held-out pixels' own statistics (a leak)",
      score(standardize_with(clean_train, clean_train), standardize_with(other_camera, other_camera)));
  const Real camera_normalized = score(normalize_each_image(clean_train), normalize_each_image(other_camera));
  row("each image normalized to [0, 1] on its own", camera_normalized);

  // Denoising. Heavy sensor noise on every image. Averaging four exposures
  // of the same scene halves the noise and keeps every stroke; a 3x3 median
  // filter removes specks, and with them the one-pixel strokes that tell a
  // plus from a ring.
  fmt::print("sensor noise (sigma 0.5 per exposure):\n");
  const auto exposures = [&](const Tensor& images, int count) {
    Tensor total = zeros(images.shape());
    for (int i = 0; i < count; ++i) total = total + images + damage.normal(images.shape(), 0, 0.5);
    return total / static_cast<Real>(count);
  };
  const Tensor noisy_train = exposures(clean_train, 1), noisy_test = exposures(clean_test, 1);
  const Real noisy = score(noisy_train, noisy_test);
  row("one exposure", noisy);
  const Real averaged = score(exposures(clean_train, 4), exposures(clean_test, 4));
  row("the mean of four exposures", averaged);
  row("one exposure, 3x3 median filter", score(median_filter(noisy_train), median_filter(noisy_test)));

  // Resizing. The camera delivers 36x36 images with fine-grained noise; the
  // model reads 12x12. Keeping one pixel of each 3x3 block keeps its noise
  // too; averaging the block (area resizing) averages the noise away.
  fmt::print("36x36 images with fine noise (sigma 0.8), resized to the model's 12x12:\n");
  const auto high_resolution = [&](const Tensor& images) {
    const Tensor big = upscale_nearest(images, 3);
    return big + damage.normal(big.shape(), 0, 0.8);
  };
  const Tensor big_train = high_resolution(clean_train), big_test = high_resolution(clean_test);
  const Real nearest = score(resize_nearest(big_train, 3), resize_nearest(big_test, 3));
  row("nearest neighbour (one pixel of each 3x3 block)", nearest);
  const Real area = score(resize_area(big_train, 3), resize_area(big_test, 3));
  row("area (the mean of each 3x3 block)", area);

  // Colour-space conversion. Colour images where the target is painted red
  // and the distractors grey, at the same luma: to the eye the target stands
  // out by its colour alone. Converting to grey (luma) erases exactly that;
  // an opponent channel, red minus the mean of green and blue, keeps it and
  // drops the grey distractors. Which conversion is right depends on where
  // the information is.
  fmt::print("colour images, the target red and the distractors grey, at equal luma:\n");
  const auto in_colour = [&](const Images& images) {
    // Red strokes of luma 0.4, the distractors' brightness: 0.299 R = 0.4.
    const Tensor rest = images.pixels - images.target_only;
    const Tensor red = rest + images.target_only * Real(0.4 / 0.299);
    return stack({red, rest, rest}, 3);  // (N, 12, 12, 3)
  };
  const Tensor colour_train = in_colour(train_set), colour_test = in_colour(test_set);
  const auto opponent = [](const Tensor& rgb) {
    const auto channel = [&](Index c) { return slice(rgb, 3, c, c + 1).reshape({rgb.dim(0), kSide, kSide}); };
    return channel(0) - (channel(1) + channel(2)) * Real(0.5);
  };
  const Real luma = score(luminance(colour_train), luminance(colour_test));
  row("luma (0.299 R + 0.587 G + 0.114 B)", luma);
  const Real red_minus_green = score(opponent(colour_train), opponent(colour_test));
  row("red minus the mean of green and blue", red_minus_green);

  // Each step is worth what the text says: more than 10 points
  // (normalisation, resizing, colour) or more than 2 (averaging).
  const bool preprocessing_pays = camera_normalized > camera_raw + 0.1 && averaged > noisy + 0.02 &&
                                  area > nearest + 0.1 && red_minus_green > luma + 0.1;
  if (!preprocessing_pays) fmt::print("a preprocessing step did not pay what the tutorial says it does\n");
  return preprocessing_pays ? 0 : 1;
}
