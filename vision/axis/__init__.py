"""The foot's heel-to-toes axis: found in the picture, followed over time, shown with the thumb.

estimate.estimate_axis(rgb, hands) finds it in one picture (classical vision:
skin and shape, with the hand masked out by its landmarks); follow.FootAxisFollower
keeps it over a stream; thumb.ThumbCalibration takes it from the thumb resting
on the heel, then on the toes.
"""
