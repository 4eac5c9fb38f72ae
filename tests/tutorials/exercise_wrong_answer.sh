#!/bin/sh
# exercise_wrong_answer.sh GRADER DIR: GRADER is exercise 2's checks built
# with tests/tutorials/wrong_answers/02_activation_backward.cpp (sigmoid's
# backward 2x too large). The grade must fail, name the factor, and write a
# picture of the Jacobians into DIR that outlines exactly the wrong entries.
grader=$1
dir=$2
rm -rf "$dir"
output=$("$grader" --pictures "$dir") && { echo "the wrong answer passed:"; echo "$output"; exit 1; }
echo "$output"
echo "$output" | grep -q "PASS  tanh: gradcheck" || { echo "the right tanh backward did not pass"; exit 1; }
echo "$output" | grep -q "FAIL  sigmoid: gradcheck.*2x too large" || { echo "the factor of 2 was not named"; exit 1; }
picture="$dir/sigmoid_jacobian.svg"
[ -s "$picture" ] || { echo "no picture at $picture"; exit 1; }
echo "$output" | grep -qF "$picture" || { echo "the grade does not say where the picture is"; exit 1; }
# sigmoid's Jacobian on (2,3) is diagonal: its 6 diagonal entries are wrong,
# outlined in the analytic and the difference panels, and nothing else.
grep -q "outlined: the 6 entries beyond tolerance" "$picture" || { echo "the picture does not mark the wrong entries"; exit 1; }
[ "$(grep -c 'stroke="black"' "$picture")" = 12 ] || { echo "the picture outlines other entries than the 6 wrong ones"; exit 1; }
[ ! -e "$dir/tanh_jacobian.svg" ] || { echo "a picture was drawn for a check that passed"; exit 1; }
