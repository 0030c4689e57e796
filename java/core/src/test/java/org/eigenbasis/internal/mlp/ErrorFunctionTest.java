package org.eigenbasis.internal.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorFunctionTest {
    /**
     * {x, erf(x), erfc(x)}: x exact doubles, the values mpmath 1.3.0's erf and erfc at 50 digits rounded to the
     * nearest double (python3: mpmath.mp.dps = 50; float(mpmath.erf(mpmath.mpf(x)))). Points: the branch ends
     * 0.5 and 4 and their neighbours, integers, 35 uniform draws on [0, 26.5] (random.seed(11)).
     */
    private static final double[][] TABLE = {
        {0.0, 0.0, 1.0},
        {1e-300, 1.1283791670955126e-300, 1.0},
        {1e-20, 1.1283791670955125e-20, 1.0},
        {1e-08, 1.1283791670955126e-08, 0.9999999887162083},
        {0.09000442169762946, 0.10128554301363321, 0.8987144569863668},
        {0.1, 0.1124629160182849, 0.887537083981715},
        {0.25, 0.27632639016823696, 0.7236736098317631},
        {0.25128201821907603, 0.2776849113914236, 0.7223150886085764},
        {0.35730663101312987, 0.38665739342022026, 0.6133426065797797},
        {0.4999999999999999, 0.5204998778130464, 0.47950012218695354},
        {0.5, 0.5204998778130465, 0.4795001221869535},
        {0.5000000000000001, 0.5204998778130466, 0.47950012218695337},
        {0.5440232249510364, 0.5583233535317038, 0.4416766464682962},
        {0.5647407373753108, 0.5755147392438895, 0.4244852607561105},
        {0.75, 0.7111556336535151, 0.28884436634648486},
        {0.9449645708409746, 0.8185754592856175, 0.1814245407143825},
        {1.0, 0.8427007929497149, 0.15729920705028513},
        {1.1079620631292597, 0.8828607578726272, 0.11713924212737278},
        {1.1412495767875748, 0.8934662029225474, 0.10653379707745259},
        {1.5, 0.9661051464753108, 0.033894853524689274},
        {1.820407575747153, 0.9899598976059514, 0.01004010239404857},
        {2.0, 0.9953222650189527, 0.004677734981047266},
        {2.5, 0.999593047982555, 0.0004069520174449589},
        {2.714277321058912, 0.9998762459553936, 0.00012375404460642932},
        {2.79390042059864, 0.9999222305520181, 7.776944798189281e-05},
        {3.0, 0.9999779095030014, 2.209049699858544e-05},
        {3.047047638373627, 0.9999836136142396, 1.638638576037613e-05},
        {3.071451834250833, 0.9999859890069868, 1.401099301319868e-05},
        {3.1702875970228725, 0.9999926558905015, 7.344109498527836e-06},
        {3.3586343164829757, 0.9999979640845507, 2.035915449382542e-06},
        {3.524308973099382, 0.9999993775734304, 6.22426569614585e-07},
        {3.6933762274714246, 0.999999824164344, 1.7583565606983295e-07},
        {3.7792963213008113, 0.9999999094491279, 9.055087218243476e-08},
        {3.923535201203043, 0.9999999712225947, 2.877740536229018e-08},
        {3.9999999999999996, 0.9999999845827421, 1.5417257900280076e-08},
        {4.0, 0.9999999845827421, 1.541725790028002e-08},
        {4.000000000000001, 0.9999999845827421, 1.5417257900279907e-08},
        {4.160630895247435, 0.9999999959958212, 4.004178711076507e-09},
        {4.5, 0.9999999998033839, 1.9661604415428876e-10},
        {4.757861235119716, 0.9999999999828735, 1.712657223505608e-11},
        {4.857867206203065, 0.9999999999935826, 6.417414762207324e-12},
        {5.0, 0.9999999999984626, 1.537459794428035e-12},
        {5.545263504142376, 0.9999999999999956, 4.427668442671924e-15},
        {5.788546686753401, 0.9999999999999998, 2.695112540591843e-16},
        {5.89316052479267, 0.9999999999999999, 7.803215653219781e-17},
        {6.0, 1.0, 2.1519736712498913e-17},
        {6.616693079108166, 1.0, 8.17096880855723e-21},
        {8.0, 1.0, 1.1224297172982926e-29},
        {10.0, 1.0, 2.088487583762545e-45},
        {10.959831780136902, 1.0, 3.493696602448055e-54},
        {15.0, 1.0, 7.212994172451207e-100},
        {15.030887891461465, 1.0, 2.8469415810768053e-100},
        {15.375262572790932, 1.0, 7.889294751231518e-105},
        {15.510656455077333, 1.0, 1.1943431018062875e-106},
        {16.245349620239228, 1.0, 8.406576182393917e-117},
        {16.642044352663575, 1.0, 1.7711811260937226e-122},
        {19.12598001234313, 1.0, 4.008085755842375e-161},
        {19.580215403752547, 1.0, 9.059925797667476e-169},
        {20.0, 1.0, 5.395865611607901e-176},
        {23.269756134629905, 1.0, 1.6664169183863913e-237},
        {25.0, 1.0, 8.300172571196523e-274},
        {26.0, 1.0, 5.663192408856143e-296},
        {26.5, 1.0, 2.2109076642637343e-307},
        {27.0, 1.0, 5.23705e-319},
    };

    /**
     * Cody's approximations have a truncation error below 1e-17 relative; what remains is evaluation rounding:
     * about 10 roundings in each Horner sum (each within ½ ulp, partly cancelling), the quotient, and Math.exp
     * (within 1 ulp). 4 ulps bounds what that can add for erfc; erf = 1 − erfc loses nothing more than ½ ulp.
     */
    private static final int ERFC_ULPS = 4;
    private static final int ERF_ULPS = 2;

    @Test
    void erfAndErfcAgreeWithHighPrecisionValues() {
        double worstErf = 0;
        double worstErfc = 0;
        for (double[] row : TABLE) {
            double x = row[0];
            for (int sign : new int[] {1, -1}) {
                double erf = ErrorFunction.erf(sign * x);
                double erfErr = Math.abs(erf - sign * row[1]) / Math.ulp(row[1] == 0 ? Double.MIN_NORMAL : row[1]);
                assertTrue(erfErr <= ERF_ULPS, "erf(" + sign * x + ") = " + erf + ", expected " + sign * row[1]);
                worstErf = Math.max(worstErf, erfErr);
            }
            double erfc = ErrorFunction.erfc(x);
            if (row[2] >= Double.MIN_NORMAL) {
                double err = Math.abs(erfc - row[2]) / Math.ulp(row[2]);
                assertTrue(err <= ERFC_ULPS, "erfc(" + x + ") = " + erfc + ", expected " + row[2] + " (" + err + " ulp)");
                worstErfc = Math.max(worstErfc, err);
            } else {
                // subnormal: absolute error of a few subnormal spacings (the relative bound no longer applies)
                assertTrue(Math.abs(erfc - row[2]) <= 1e-3 * row[2] + 8 * Double.MIN_VALUE,
                        "erfc(" + x + ") = " + erfc + ", expected " + row[2]);
            }
            double reflected = ErrorFunction.erfc(-x);
            double expected = 2 - row[2];
            assertTrue(Math.abs(reflected - expected) <= 2 * Math.ulp(expected), "erfc(" + -x + ") = " + reflected);
        }
        System.out.printf("erf within %.2f ulp, erfc within %.2f ulp of 50-digit values%n", worstErf, worstErfc);
    }

    @Test
    void specialValues() {
        assertEquals(1.0, ErrorFunction.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, ErrorFunction.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, ErrorFunction.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, ErrorFunction.erfc(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(ErrorFunction.erf(Double.NaN)));
        assertTrue(Double.isNaN(ErrorFunction.erfc(Double.NaN)));
        assertEquals(0.0, ErrorFunction.erfc(30));
        assertEquals(-0.0, ErrorFunction.erf(-0.0));
    }

    @Test
    void normalCdfIsAccurateInTheLowerTail() {
        // Φ(−10) = erfc(10/√2)/2 = 7.619853024160525e-24 (mpmath, 50 digits, rounded); 1 + erf would give 0.
        // z/√2 is rounded (relative error u), which d ln erfc(x)/dx ≈ −2x turns into a relative error 2x²·u = z²·u
        // of the result: z² ulps on top of erfc's own 4 and the ½ of the halving.
        double z = -10;
        double phi = ErrorFunction.normalCdf(z);
        assertEquals(7.619853024160525e-24, phi, (z * z + ERFC_ULPS + 1) * Math.ulp(7.619853024160525e-24));
        assertEquals(0.5, ErrorFunction.normalCdf(0), 0);
    }
}
